namespace Workbook.Tests.Infrastructure;

public class PublicSurfaceTests
{
    // The library's public types are what the CLI, the runner and the notebooks call; everything else is internal
    // (tests, bench and studies see internals). 238 before the surface was cut, 143 before the notebooks read make's
    // artifacts; 101 now: the types named in cli/*.cs, runner/*.cs and the notebooks' C# cells (56), and those their
    // public members expose (45: e.g. ProductCatalog's Product and LabelTree, the AutoML store's records, the
    // pipeline's and the enrichment's result records, which are also serialised). Members no client calls are
    // internal where that drops a type (CleanLog's rows, the index's graph and options, the rank summary's model).
    // 102 with Frames (issue 15): the typed DataFrame views of the raw files notebooks call. Plotly.NET charts and
    // DataFrames display through members of Figure and Table (Figure.From, Table.From), which add no type.
    // Lower this as it drops.
    private const int MaxPublicTypes = 102;

    [Fact]
    public void The_library_exports_no_more_types_than_its_clients_need()
    {
        var exported = typeof(Workbook.Reports.Figure).Assembly.GetExportedTypes();
        Assert.True(exported.Length <= MaxPublicTypes,
            $"{exported.Length} public types in Workbook.Lib (at most {MaxPublicTypes}); make the new ones internal unless the CLI, the runner or a notebook calls them.");
    }
}
