using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.Enrichment;

/// <summary><c>enrich</c> on a file that is not a database and on empty logs: one clear line and exit code 2, no stack trace.</summary>
public class EnrichHostileInputTests
{
    private static void AssertOneLineError(CliProcess.Result r, string expected)
    {
        CliProcess.AssertUserError(r, expected);
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_db_that_is_not_sqlite_is_named_in_one_line()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "product_id,category_id\n1,2\n" + new string('x', 4096));
            AssertOneLineError(CliProcess.Run(["enrich", "cats", "--db", file]), "is not a readable SQLite database");
            AssertOneLineError(CliProcess.Run(["enrich", "--evaluate", "--db", file]), file);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Evaluate_on_empty_clean_logs_says_there_is_nothing_to_evaluate()
    {
        using var empty = new CleanDbFixture([], []);
        AssertOneLineError(CliProcess.Run(["enrich", "--evaluate", "--db", empty.Path]), "Nothing to evaluate: the clean logs hold 0 searches and 0 clicks");
        var query = CliProcess.Run(["enrich", "cats", "--db", empty.Path]); // an empty index still answers, with nothing
        Assert.True(query.ExitCode == 0, query.Stderr);
        Assert.Contains("normalized:  cats (Search, never seen)", query.Stdout);
    }

    [Fact]
    public void Evaluate_without_a_test_search_with_a_click_says_so()
    {
        var (searches, _) = SampleLog.Rows();
        using var noClicks = new CleanDbFixture(searches, []);
        AssertOneLineError(CliProcess.Run(["enrich", "--evaluate", "--db", noClicks.Path]), "no test search with a click");
    }
}
