using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// The report cache on real notebook runs: a notebook whose code, library and inputs are unchanged is not run again;
/// a markdown edit reuses the code outputs under the new text; any change to code or to a file read runs it again.
/// </summary>
[Collection(Workbook.Tests.Notebooks.NotebookRuns.Name)]
public sealed class ReportCacheTests : IDisposable
{
    private readonly TempNotebook _nb;
    private readonly string _input;
    private readonly ReportCache _cache;

    public ReportCacheTests()
    {
        _nb = new TempNotebook("#!markdown\n\n# Title\n\nFirst text.\n\n#!csharp\n\n{LIB}\nusing Workbook.Reports;\n\n" +
                               "#!csharp\n\nvar rows = Artifact.Rows(\"input.json\");\nConsole.WriteLine($\"{rows.Count} rows, ticks {DateTime.UtcNow.Ticks}\");\n");
        _input = Path.Combine(_nb.Directory, "input.json");
        File.WriteAllText(_input, """[{"a": 1}, {"a": 2}]""");
        _cache = new ReportCache(Path.Combine(_nb.Directory, "reports"));
    }

    public void Dispose() => _nb.Dispose();

    private async Task<NotebookRun> RunAndSave()
    {
        var run = await new NotebookRunner().RunAsync(_nb.Path);
        Assert.False(run.Failed, string.Join("\n", run.Errors));
        _cache.Save(_nb.Path, run, []);
        return run;
    }

    private static string Outputs(NotebookRun run) => string.Concat(run.Cells.SelectMany(c => c.Outputs).Select(o => o.Html));

    [Fact]
    public async Task An_unchanged_notebook_is_reused_with_the_outputs_of_its_last_run()
    {
        var first = await RunAndSave();
        Assert.Contains("2 rows", Outputs(first));
        var reused = _cache.TryReuse(_nb.Path, []);
        Assert.NotNull(reused);
        Assert.Equal(first.StartedUtc, reused.Cache!.RunStartedUtc);
        Assert.Equal(Outputs(first), Outputs(reused)); // the ticks printed prove the cell did not run again
        Assert.Contains("Code outputs from the cache", NotebookReport.Render(reused));
        Assert.DoesNotContain("Code outputs from the cache", NotebookReport.Render(first));
    }

    [Fact]
    public async Task A_markdown_edit_reuses_the_code_outputs_under_the_new_text()
    {
        var first = await RunAndSave();
        File.WriteAllText(_nb.Path, File.ReadAllText(_nb.Path).Replace("First text.", "Edited text,\nnow on two lines."));
        var reused = _cache.TryReuse(_nb.Path, []);
        Assert.NotNull(reused);
        Assert.Equal(Outputs(first), Outputs(reused));
        var html = NotebookReport.Render(reused);
        Assert.Contains("Edited text", html);
        Assert.DoesNotContain("First text", html);
        Assert.Equal(first.Cells[^1].Cell.FirstLine + 1, reused.Cells[^1].Cell.FirstLine); // the page shows the cell's new .dib line
    }

    [Fact]
    public async Task A_code_edit_runs_the_notebook_again()
    {
        await RunAndSave();
        File.WriteAllText(_nb.Path, File.ReadAllText(_nb.Path).Replace("rows, ticks", "rows now, ticks"));
        Assert.Null(_cache.TryReuse(_nb.Path, []));
    }

    [Fact]
    public async Task A_changed_or_deleted_input_runs_the_notebook_again()
    {
        await RunAndSave();
        File.WriteAllText(_input, """[{"a": 1}]""");
        Assert.Null(_cache.TryReuse(_nb.Path, []));
        var second = await RunAndSave();
        Assert.Contains("1 rows", Outputs(second));
        Assert.NotNull(_cache.TryReuse(_nb.Path, []));
        File.Delete(_input);
        Assert.Null(_cache.TryReuse(_nb.Path, []));
    }

    [Fact]
    public async Task A_file_the_notebook_names_but_the_cached_run_did_not_hash_runs_it_again()
    {
        await RunAndSave();
        var artifact = Path.Combine(_nb.Directory, "new-artifact.json");
        File.WriteAllText(artifact, "[]");
        Assert.Null(_cache.TryReuse(_nb.Path, [artifact]));
        var run = await new NotebookRunner().RunAsync(_nb.Path);
        _cache.Save(_nb.Path, run, [artifact]);
        Assert.NotNull(_cache.TryReuse(_nb.Path, [artifact]));
        File.WriteAllText(artifact, "[{}]");
        Assert.Null(_cache.TryReuse(_nb.Path, [artifact]));
    }

    [Fact]
    public async Task A_failed_run_is_never_cached()
    {
        File.Delete(_input);
        var run = await new NotebookRunner().RunAsync(_nb.Path);
        Assert.True(run.Failed);
        _cache.Save(_nb.Path, run, []);
        Assert.False(Directory.Exists(_cache.Folder) && Directory.EnumerateFiles(_cache.Folder).Any());
        Assert.Null(_cache.TryReuse(_nb.Path, []));
    }

    [Fact]
    public async Task Cells_run_in_the_notebooks_folder_and_the_directory_is_restored()
    {
        var before = Directory.GetCurrentDirectory();
        using var nb = TempNotebook.Of("Console.Write(System.IO.Directory.GetCurrentDirectory());");
        var run = await new NotebookRunner().RunAsync(nb.Path);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(nb.Directory), Outputs(run));
        Assert.Equal(before, Directory.GetCurrentDirectory());
    }
}
