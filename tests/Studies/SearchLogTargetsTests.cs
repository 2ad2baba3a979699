using Workbook.Make;
using Workbook.SearchLogs;

namespace Workbook.Tests.Studies;

/// <summary>The search-log targets on the real logs (small enough to build in a second), as make builds them.</summary>
public class SearchLogTargetsTests
{
    [Fact]
    public async Task The_clean_database_target_writes_exactly_its_outputs_and_its_tables_pass_the_invariants()
    {
        var root = WorkbookPaths.Root(AppContext.BaseDirectory);
        var target = SearchLogTargets.All.Single(t => t.Name == "search-logs-clean");
        // TargetBuild asserts the staging folder holds the declared outputs and nothing else (no lock file left beside the database).
        using var build = await TargetBuild.Run(target, root);
        var db = build.Path(SearchLogTargets.CleanDb);
        var checks = SearchLogInvariants.CheckPublished(db, Path.Combine(root, "data", "search-logs"));
        Assert.NotEmpty(checks);
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
    }
}
