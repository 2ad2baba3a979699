using Workbook.Notebooks;
using Workbook.Reports;

namespace Workbook.Tests.Notebooks;

public class NotebookRunnerTests
{
    private static async Task<NotebookRun> Run(TempNotebook nb) => await new NotebookRunner().RunAsync(nb.Path);

    private static string AllHtml(CellRun cell) => string.Concat(cell.Outputs.Select(o => o.Html));

    [Fact]
    public async Task Variables_usings_types_and_await_carry_over_between_cells()
    {
        using var nb = TempNotebook.Of(
            "using System.Globalization;\nvar x = 20;",
            "record Point(int X, int Y);\nstatic int Twice(int v) => 2 * v;",
            "await Task.Delay(1);\nvar p = new Point(Twice(x), 2);",
            "p.X + p.Y + CultureInfo.InvariantCulture.Name.Length");
        var run = await Run(nb);
        Assert.False(run.Failed, string.Join("\n", run.Errors));
        var last = run.Cells[^1];
        Assert.Equal(OutputKind.Value, Assert.Single(last.Outputs).Kind);
        Assert.Contains(">42<", AllHtml(last));
    }

    [Fact]
    public async Task A_figure_made_in_a_cell_is_the_hosts_type_and_renders_as_html()
    {
        using var nb = TempNotebook.Of(
            "{LIB}\nusing Workbook.Reports;",
            "var f = Chart.Bar([\"a\", \"b\"], [1.0, 2.0], \"Two bars\");\ndisplay(f);\nf",
            "typeof(Figure).Assembly == typeof(Workbook.Notebooks.NotebookGlobals).Assembly ? \"same\" : \"twice\"");
        var run = await Run(nb);
        Assert.False(run.Failed, string.Join("\n", run.Errors));
        var chart = run.Cells[1];
        Assert.Equal([OutputKind.Display, OutputKind.Value], chart.Outputs.Select(o => o.Kind));
        Assert.All(chart.Outputs, o => Assert.Contains("Plotly.newPlot", o.Html));
        Assert.Contains("same", AllHtml(run.Cells[2]));
        Assert.Same(typeof(Figure).Assembly, AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "Workbook.Lib"));
    }
}
