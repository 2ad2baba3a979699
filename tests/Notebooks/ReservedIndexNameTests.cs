using Workbook.Notebooks;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.Notebooks;

/// <summary>A notebook named index.dib would render to index.html and be overwritten by the report index.</summary>
public class ReservedIndexNameTests
{
    [Theory]
    [InlineData("index.dib", true)]
    [InlineData("INDEX.dib", true)]
    [InlineData("00-index.dib", false)]
    [InlineData("indexes.dib", false)]
    public void Only_a_notebook_that_would_become_the_index_is_reserved(string name, bool reserved) =>
        Assert.Equal(reserved, ReportIndex.IsReservedNotebook(Path.Combine("notebooks", name)));

    [Fact]
    public void Report_refuses_index_dib_before_running_anything()
    {
        using var nb = new TempNotebook("#!csharp\n\n{LIB}\n1 + 1\n", "index.dib");
        var reports = Path.Combine(nb.Directory, "reports");
        var r = CliProcess.Run(["report", nb.Path, "--output", reports]);
        CliProcess.AssertUserError(r, "index.dib would be rendered to index.html, which is the report index");
        Assert.False(Directory.Exists(reports));
    }
}
