using Workbook.SearchLogs;

namespace Workbook.Tests.SearchLogs;

/// <summary>Assertions shared by the SQLite and PostgreSQL runs: the same input must give the same tables on both.</summary>
public static class PipelineAssertions
{
    /// <summary>Each fixture line is clean or rejected exactly as <see cref="PipelineFixture"/> says, with its raw text.</summary>
    public static Task MatchFixture(string db)
    {
        using var c = SearchLogDatabase.Open(db);
        foreach (var (source, table, rows) in new[]
                 {
                     (CleanSchema.RequestSource, CleanSchema.RequestTable, PipelineFixture.Requests),
                     (CleanSchema.ClickSource, CleanSchema.ClickTable, PipelineFixture.Clicks),
                 })
        {
            var rejected = PipelineFixture.Rejected(c, source);
            var clean = PipelineFixture.CleanLines(c, table);
            for (var i = 0; i < rows.Length; i++)
            {
                var line = i + 2L;
                var (text, reason) = rows[i];
                if (reason == null)
                {
                    Assert.Contains(line, clean);
                    Assert.False(rejected.ContainsKey(line), $"{source} line {line} should be clean, was {(rejected.TryGetValue(line, out var x) ? x.Reason : "")}");
                }
                else
                {
                    Assert.DoesNotContain(line, clean);
                    Assert.True(rejected.ContainsKey(line), $"{source} line {line} should be rejected as {reason}");
                    Assert.Equal(reason, rejected[line].Reason);
                    Assert.Equal(text.Replace('\u0001', '\uFFFD'), rejected[line].Raw);
                }
            }
            Assert.Equal(rows.Length, clean.Count + rejected.Count);
        }
        var req = PipelineFixture.Rejected(c, CleanSchema.RequestSource);
        Assert.Equal(("AAAAAAAAAAAAAAAAAAA1", 2L), (req[4].MergedInto, req[4].MergedLine!.Value));
        Assert.Equal(("AAAAAAAAAAAAAAAAAAA3", 6L), (req[5].MergedInto, req[5].MergedLine!.Value)); // the copy the click points to
        var clk = PipelineFixture.Rejected(c, CleanSchema.ClickSource);
        Assert.Equal(("AAAAAAAAAAAAAAAAAAA1/100/1", 2L), (clk[3].MergedInto, clk[3].MergedLine!.Value));
        return Task.CompletedTask;
    }

    public static List<List<string>> DumpAll(string db)
    {
        using var c = SearchLogDatabase.Open(db);
        return
        [
            PipelineFixture.Dump(c, CleanSchema.RequestTable, "line_number"),
            PipelineFixture.Dump(c, CleanSchema.ClickTable, "line_number"),
            PipelineFixture.Dump(c, CleanSchema.RejectedTable, "source_table, line_number"),
        ];
    }

    public static void MatchInjected(GeneratedLogs logs, PipelineSummary summary)
    {
        Assert.All(summary.Checks, c => Assert.True(c.Passed, c.Name));
        var req = summary.Sources.Single(s => s.Source == CleanSchema.RequestSource);
        var clk = summary.Sources.Single(s => s.Source == CleanSchema.ClickSource);
        Assert.Equal(logs.RequestRows, req.RowsIn);
        Assert.Equal(logs.ClickRows, clk.RowsIn);
        Assert.Equal(logs.InjectedRequests.OrderBy(kv => kv.Key), req.RejectedByReason.OrderBy(kv => kv.Key));
        Assert.Equal(logs.InjectedClicks.OrderBy(kv => kv.Key), clk.RejectedByReason.OrderBy(kv => kv.Key));
    }
}
