using System.Text;
using Workbook.SearchLogs;
using Xunit.Abstractions;

namespace Workbook.Tests.Fuzz;

/// <summary>
/// The search-log pipeline on mutated real logs (data/search-logs), in process, into one SQLite file reused across
/// cases (so each case also replaces the previous publish). Invariants: RunAsync never throws; a failed run is a
/// structural refusal naming the file; a run that succeeds has, per source, raw rows = clean + rejected and every check passed.
/// </summary>
public class PipelineFuzzTests(ITestOutputHelper output)
{
    private static readonly Lazy<(string[] Requests, string[] Clicks)> RealLogs = new(() =>
        (File.ReadAllLines(WorkbookPaths.Data("search-logs", RawLogSource.Requests.FileName)),
         File.ReadAllLines(WorkbookPaths.Data("search-logs", RawLogSource.Clicks.FileName))));

    /// <summary>A sample of the real logs (small, so 10,000 cases stay minutes): some requests, their clicks and a few others.</summary>
    internal static (byte[] Requests, byte[] Clicks) Sample(Random rng)
    {
        var (requests, clicks) = RealLogs.Value;
        if (rng.Next(20) == 0) return (Bytes(requests), Bytes(clicks)); // now and then the whole files
        var picked = Enumerable.Range(1, requests.Length - 1).Where(_ => rng.Next(requests.Length / 60 + 1) == 0).ToList();
        var ids = picked.Select(i => requests[i].Split(',')[1]).ToHashSet(StringComparer.Ordinal);
        var clickLines = Enumerable.Range(1, clicks.Length - 1)
            .Where(i => ids.Contains(clicks[i].Split(',')[1]) || rng.Next(100) == 0).ToList();
        return (Bytes([requests[0], .. picked.Select(i => requests[i])]), Bytes([clicks[0], .. clickLines.Select(i => clicks[i])]));
    }

    private static byte[] Bytes(IEnumerable<string> lines) => Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");

    [Fact]
    public void Fuzz_pipeline_on_mutated_real_logs()
    {
        var db = Path.Combine(Directory.CreateTempSubdirectory("fuzz-pipeline-db-").FullName, "fuzz.db");
        try
        {
            new FuzzCampaign("pipeline", output).Run(FuzzCampaign.Cases, c =>
            {
                var (requests, clicks) = Sample(c.Rng);
                var which = c.Rng.Next(3); // mutate the requests, the clicks, or both
                c.Write(RawLogSource.Requests.FileName, which != 1 ? c.Mutate(requests, "requests") : requests);
                c.Write(RawLogSource.Clicks.FileName, which != 0 ? c.Mutate(clicks, "clicks") : clicks);
                var s = SearchLogPipeline.RunAsync(new PipelineOptions { InputFolder = c.Folder, Database = db, MaxRetries = 1, MaxParallel = 2 })
                    .GetAwaiter().GetResult();
                return Check(s);
            });
        }
        finally { Directory.Delete(Path.GetDirectoryName(db)!, recursive: true); }
    }

    internal static string Check(PipelineSummary s)
    {
        if (!s.Succeeded)
        {
            if (!s.StructuralFailure) throw new FuzzViolation($"run failed without a structural reason: {s.Error}");
            if (s.Error is null || !(s.Error.Contains(RawLogSource.Requests.FileName) || s.Error.Contains(RawLogSource.Clicks.FileName)))
                throw new FuzzViolation($"structural error does not name the file: {s.Error}");
            return "refused (structural)";
        }
        foreach (var source in s.Sources)
            if (source.RowsIn != source.Clean + source.Rejected)
                throw new FuzzViolation($"{source.Source}: {source.RowsIn} raw rows != {source.Clean} clean + {source.Rejected} rejected");
        if (s.Checks.FirstOrDefault(x => !x.Passed) is { } failed) throw new FuzzViolation($"check {failed.Name} failed but the run succeeded");
        return s.Sources.Sum(x => x.Rejected) > 0 ? "ok with rejected rows" : "ok";
    }
}
