using System.Text;
using Workbook.SearchLogs;
using Workbook.SearchLogs.Enrichment;
using Xunit.Abstractions;

namespace Workbook.Tests.Fuzz;

/// <summary>
/// <c>enrich</c> on mutated real queries (and huge, control-character, mis-encoded ones) against an index built from
/// the real logs cleaned by the pipeline. Invariant: every query gets an answer (or a skip reason), never an exception.
/// </summary>
public class EnrichFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fuzz_enrich_queries_against_the_real_clean_logs()
    {
        var dir = Directory.CreateTempSubdirectory("fuzz-enrich-").FullName;
        try
        {
            var db = Path.Combine(dir, "clean.db");
            var run = await SearchLogPipeline.RunAsync(new PipelineOptions { InputFolder = WorkbookPaths.Data("search-logs"), Database = db });
            Assert.True(run.Succeeded, run.Render());
            var log = CleanLogReader.Read(db);
            var index = EnrichmentIndex.Build(log);
            var queries = log.Searches.Select(s => s.Query).Distinct().ToArray();
            new FuzzCampaign("enrich", output).Run(FuzzCampaign.Cases, c =>
            {
                var query = queries[c.Rng.Next(queries.Length)];
                var text = Encoding.UTF8.GetString(c.Mutate(Encoding.UTF8.GetBytes(query), "query"));
                if (c.Rng.Next(10) == 0)
                {
                    text = new string(Enumerable.Range(0, c.Rng.Next(1, 50)).Select(_ => (char)c.Rng.Next(0, 0x10000)).ToArray());
                    c.Mutations.Add("query: random UTF-16 code units, lone surrogates included");
                }
                var r = index.Enrich(text);
                if (r.Input != text) throw new FuzzViolation("the result does not echo its query");
                return r.SkipReason is not null ? "skipped with a reason" : r.Corrections.Count > 0 ? "corrected" : "answered";
            });
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
