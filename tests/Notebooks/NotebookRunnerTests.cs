using Workbook.Notebooks;
using Workbook.Reports;

namespace Workbook.Tests.Notebooks;

[Collection(Workbook.Tests.Notebooks.NotebookRuns.Name)]
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
            "AppDomain.CurrentDomain.GetAssemblies().Count(a => a.GetName().Name == \"Workbook.Lib\") == 1 ? \"same\" : \"twice\"");
        var run = await Run(nb);
        Assert.False(run.Failed, string.Join("\n", run.Errors));
        var chart = run.Cells[1];
        Assert.Equal([OutputKind.Display, OutputKind.Value], chart.Outputs.Select(o => o.Kind));
        Assert.All(chart.Outputs, o => Assert.Contains("Plotly.newPlot", o.Html));
        Assert.Contains("same", AllHtml(run.Cells[2]));
        Assert.Same(typeof(Figure).Assembly, AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "Workbook.Lib"));
    }

    [Fact]
    public async Task A_notebook_cannot_reach_the_runner_that_runs_it()
    {
        // The runner lives in its own assembly so notebooks depend on the library alone, as they do in VS Code.
        using var nb = TempNotebook.Of("{LIB}\nusing Workbook.Reports;", "typeof(Workbook.Notebooks.NotebookGlobals).Name");
        var run = await Run(nb);
        Assert.True(run.Failed);
        Assert.Contains("CS0234", string.Join("\n", run.Errors.Select(e => e.Message)));
    }

    [Fact]
    public async Task Console_output_and_displayed_values_keep_their_order_and_are_html_encoded()
    {
        using var nb = TempNotebook.Of(
            "Console.WriteLine(\"<b>first</b>\");\ndisplay(\"<i>second</i> & more\");\nConsole.Error.WriteLine(\"third\");\n\"<script>alert(1)</script>\"");
        var run = await Run(nb);
        Assert.False(run.Failed, string.Join("\n", run.Errors));
        var cell = run.Cells[0];
        Assert.Equal([OutputKind.Console, OutputKind.Display, OutputKind.Console, OutputKind.Value], cell.Outputs.Select(o => o.Kind));
        var html = AllHtml(cell);
        Assert.Contains("&lt;b&gt;first&lt;/b&gt;", html);
        Assert.Contains("&lt;i&gt;second&lt;/i&gt; &amp; more", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<b>", html);
    }

    [Fact]
    public async Task Sequences_are_shown_as_tables()
    {
        using var nb = TempNotebook.Of("Enumerable.Range(1, 30).Select(i => new { N = i, Square = i * i })");
        var run = await Run(nb);
        var html = AllHtml(run.Cells[0]);
        Assert.Contains("<th>Square</th>", html);
        Assert.Contains("10 more not shown", html);
    }

    [Fact]
    public async Task A_compile_error_names_notebook_cell_and_dib_line_and_skips_later_cells()
    {
        using var nb = new TempNotebook("#!markdown\n\n# T\n\n#!csharp\n\nvar ok = 1;\n\n#!csharp\n\nvar a = 1;\nvar b = nope + a;\n\n#!csharp\n\nConsole.WriteLine(\"never\");\n");
        var run = await Run(nb);
        Assert.True(run.Failed);
        var error = Assert.Single(run.Errors);
        Assert.Equal(3, error.Cell);
        Assert.Equal(12, error.Line);
        Assert.Contains("cell 3, line 12: error CS0103", error.Message);
        Assert.Contains("'nope'", error.Message);
        Assert.EndsWith("test.dib", error.NotebookPath);
        Assert.Equal(CellStatus.Skipped, run.Cells[3].Status);
        Assert.Equal(OutputKind.Error, run.Cells[2].Outputs[^1].Kind);
    }

    [Fact]
    public async Task A_runtime_error_names_the_dib_line_even_when_thrown_by_code_of_an_earlier_cell()
    {
        using var nb = new TempNotebook(
            "#!csharp\n\nstatic int Fail(int x) =>\n    x > 0 ? throw new InvalidOperationException(\"boom <now>\") : x;\n\n" +
            "#!csharp\n\nvar y = 1;\nConsole.WriteLine(\"before\");\nvar z = Fail(y);\n");
        var run = await Run(nb);
        var error = Assert.Single(run.Errors);
        Assert.Equal(2, error.Cell);
        Assert.Equal(10, error.Line); // "var z = Fail(y);"
        Assert.Contains("cell 2, line 10: System.InvalidOperationException: boom <now>", error.Message);
        Assert.Contains("test.dib:line 4 (cell 1)", error.Detail); // the throw, mapped to the .dib file
        var html = AllHtml(run.Cells[1]);
        Assert.Contains("before", html); // output written before the failure is kept
        Assert.Contains("boom &lt;now&gt;", html);
    }

    [Fact]
    public async Task Using_the_library_without_the_r_line_is_refused_as_vs_code_would()
    {
        using var nb = TempNotebook.Of("var x = 1;", "var f = Workbook.Reports.Chart.Bar([\"a\"], [1.0], \"t\");");
        var run = await Run(nb);
        Assert.True(run.Failed);
        var error = Assert.Single(run.Errors);
        Assert.Equal(2, error.Cell);
        Assert.Contains("#r \"../lib/bin/Workbook.Lib.dll\"", error.Message);
    }

    [Fact]
    public async Task An_r_line_to_a_missing_file_is_an_error_on_its_line()
    {
        using var nb = TempNotebook.Of("#r \"../nowhere/Workbook.Lib.dll\"\nusing Workbook.Reports;");
        var run = await Run(nb);
        var error = Assert.Single(run.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public async Task Files_read_through_lib_loaders_are_recorded_with_their_hash()
    {
        var csv = WorkbookPaths.Data("ranking", "product_scoring.csv");
        using var nb = TempNotebook.Of("{LIB}\nusing Workbook.Products.Ranking;",
            $"ProductScoringLoader.Load(@\"{csv}\").Products.Count");
        var run = await Run(nb);
        Assert.False(run.Failed, string.Join("\n", run.Errors));
        Assert.Contains(">10000<", AllHtml(run.Cells[1]));
        var file = Assert.Single(run.Provenance.Files);
        Assert.Equal(Path.GetFullPath(csv), file.Path);
        Assert.Equal(FileHash.Of(csv).Sha256, file.Sha256);
    }

    [Fact]
    public async Task Timings_split_compile_from_execution()
    {
        using var nb = TempNotebook.Of("System.Threading.Thread.Sleep(300);\n1", "2");
        var run = await Run(nb);
        Assert.False(run.Failed, string.Join("\n", run.Errors));
        Assert.InRange(run.Cells[0].Execute.TotalMilliseconds, 290, 5_000);
        Assert.True(run.Cells[0].Duration >= run.Cells[0].Execute + run.Cells[0].Compile);
        Assert.True(run.Cells[1].Execute < TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task A_notebook_that_does_not_parse_still_gets_a_report_naming_cell_and_line()
    {
        using var nb = new TempNotebook("#!markdown\n\n# T\n\n#!csharp\n\n#!time\n1\n");
        var run = await Run(nb);
        Assert.True(run.Failed);
        Assert.NotNull(run.FormatError);
        Assert.Equal((2, 7), (run.FormatError!.Cell, run.FormatError.Line));
        var html = NotebookReport.Render(run);
        Assert.Contains("This notebook did not run to the end.", html);
        Assert.Contains("cell 2, line 7: magic command &#39;#!time&#39;", html);
    }

    [Fact]
    public async Task Notebooks_running_at_the_same_time_each_capture_their_own_console()
    {
        using var a = TempNotebook.Of("for (var i = 0; i < 50; i++) { Console.Write(\"a\"); await Task.Delay(1); }");
        using var b = TempNotebook.Of("for (var i = 0; i < 50; i++) { Console.Write(\"b\"); await Task.Delay(1); }");
        var runs = await Task.WhenAll(Run(a), Run(b));
        Assert.All(runs, r => Assert.False(r.Failed, string.Join("\n", r.Errors)));
        Assert.Contains(new string('a', 50), AllHtml(runs[0].Cells[0]));
        Assert.Contains(new string('b', 50), AllHtml(runs[1].Cells[0]));
    }
}
