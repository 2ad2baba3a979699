using Workbook.SearchLogs;

namespace Workbook.Tests.SearchLogs;

/// <summary>
/// A request and a click stamped at the very end of the calendar (9999-12-31 with a negative offset, which is the
/// year 10000 in UTC) used to overflow the UTC formatter and fail the whole run; they must be rejected rows.
/// </summary>
public class EdgeTimestampTests : IDisposable
{
    private const string Edge = "9999-12-31 23:59:59.999 -0500";
    private readonly string _folder = PipelineFixture.NewFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void WriteLogs()
    {
        PipelineFixture.WriteFile(Path.Combine(_folder, RawLogSource.Requests.FileName), PipelineFixture.RequestHeader,
        [
            "0,AAAAAAAAAAAAAAAAAAA1,wyrm,2020-03-10 09:24:31.000 -0400,1,1",
            $"1,AAAAAAAAAAAAAAAAAAA2,edge,{Edge},1,1",
            "2,AAAAAAAAAAAAAAAAAAA3,last instant,9999-12-31 23:59:59.999 +0000,1,1",
        ]);
        PipelineFixture.WriteFile(Path.Combine(_folder, RawLogSource.Clicks.FileName), PipelineFixture.ClickHeader,
        [
            "0,AAAAAAAAAAAAAAAAAAA1,2020-03-10 09:24:35.000 -0400,100,1",
            $"1,AAAAAAAAAAAAAAAAAAA1,{Edge},200,2",
        ]);
    }

    private async Task RejectsTheEdgeRows(string db)
    {
        WriteLogs();
        var summary = await PipelineFixture.Run(_folder, db);
        Assert.True(summary.Succeeded, summary.Render());
        using var c = SearchLogDatabase.Open(db);
        var requests = PipelineFixture.Rejected(c, CleanSchema.RequestSource);
        Assert.Equal(RejectReason.BadTimestamp, Assert.Single(requests).Value.Reason);
        Assert.Equal(3, requests.Keys.Single()); // line 3: the second data row
        Assert.Equal([2L, 4L], PipelineFixture.CleanLines(c, CleanSchema.RequestTable));
        var clicks = PipelineFixture.Rejected(c, CleanSchema.ClickSource);
        Assert.Equal((3L, RejectReason.BadTimestamp), (clicks.Keys.Single(), clicks.Values.Single().Reason));
        Assert.Equal(["9999-12-31T23:59:59.999Z"],
            PipelineFixture.Dump(c, $"(SELECT ts FROM {CleanSchema.RequestTable} WHERE line_number = 4) t", "ts"));
    }

    [Fact]
    public Task Sqlite_rejects_an_instant_past_the_year_9999_and_the_run_succeeds() => RejectsTheEdgeRows(Path.Combine(_folder, "edge.db"));

    [Fact]
    public async Task Postgres_rejects_an_instant_past_the_year_9999_and_the_run_succeeds()
    {
        using var schema = new PostgresSchema();
        await RejectsTheEdgeRows(schema.ConnectionString);
    }
}
