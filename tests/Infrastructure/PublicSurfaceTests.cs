namespace Workbook.Tests.Infrastructure;

public class PublicSurfaceTests
{
    // The library's public types are what the CLI, the runner and the notebooks call; everything else is internal
    // (tests, bench and studies see internals). 193 before the surface was cut; 139 while today's notebooks still
    // compute in their cells (42 types are public for them alone; the CLI and runner need 97). Lower this as it drops.
    private const int MaxPublicTypes = 141; // + OutputGuard and SearchLogFormatException, which the CLI catches and calls

    [Fact]
    public void The_library_exports_no_more_types_than_its_clients_need()
    {
        var exported = typeof(Workbook.Reports.Figure).Assembly.GetExportedTypes();
        Assert.True(exported.Length <= MaxPublicTypes,
            $"{exported.Length} public types in Workbook.Lib (at most {MaxPublicTypes}); make the new ones internal unless the CLI, the runner or a notebook calls them.");
    }
}
