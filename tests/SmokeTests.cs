namespace Workbook.Tests;

public class WorkbookPathsTests
{
    [Fact]
    public void Root_is_found_from_the_test_bin_folder()
    {
        var root = WorkbookPaths.Root(AppContext.BaseDirectory);
        Assert.True(File.Exists(Path.Combine(root, "Workbook.csproj")));
        Assert.True(Directory.Exists(WorkbookPaths.Data("search-logs")));
    }
}

public class ProvenanceTests
{
    [Fact]
    public void Hash_matches_a_known_sha256()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "abc");
        try
        {
            Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Workbook.Reports.FileHash.Of(path).Sha256);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Capture_lists_a_file_deleted_since_it_was_read_instead_of_failing()
    {
        var path = Path.GetTempFileName();
        File.Delete(path);
        var provenance = Workbook.Reports.Provenance.Capture([path]);
        var hash = Assert.Single(provenance.Files);
        Assert.Equal(Workbook.Reports.FileHash.Deleted, hash.Sha256);
        Assert.Equal(-1, hash.Bytes);
    }

}

public class DataLineageTests
{
    [Fact]
    public void A_collector_records_each_file_once_as_an_absolute_path()
    {
        using var scope = Workbook.Notebooks.DataLineageCollector.Begin();
        Workbook.Reports.DataLineage.Record("data/x.csv");
        Workbook.Reports.DataLineage.Record("data/x.csv");
        var recorded = Assert.Single(scope.Files);
        Assert.True(Path.IsPathRooted(recorded) && recorded.EndsWith("x.csv"));
    }

    [Fact]
    public async Task Two_runs_in_one_process_see_only_their_own_reads()
    {
        Workbook.Reports.DataLineage.Record("outside-any-run.csv");
        using var gate = new Barrier(2);
        async Task<IReadOnlyList<string>> Run(string file) => await Task.Run(() =>
        {
            using var scope = Workbook.Notebooks.DataLineageCollector.Begin();
            gate.SignalAndWait(); // both collectors open at once
            Workbook.Reports.DataLineage.Record(file);
            gate.SignalAndWait();
            return scope.Files;
        });
        var (a, b) = (Run("a.csv"), Run("b.csv"));
        Assert.EndsWith("a.csv", Assert.Single(await a));
        Assert.EndsWith("b.csv", Assert.Single(await b));
    }
}

public class CliTests
{
    [Fact]
    public void Help_lists_the_tool_and_exits_zero()
    {
        var r = Workbook.Tests.Infrastructure.CliProcess.Run(["--help"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Workbook", r.Stdout);
    }

    [Fact]
    public void Unknown_verb_exits_non_zero()
    {
        var r = Workbook.Tests.Infrastructure.CliProcess.Run(["no-such-verb"]);
        Assert.NotEqual(0, r.ExitCode);
    }
}
