using System.CommandLine;
using System.Globalization;
using Workbook.SearchLogs.Enrichment;

namespace Workbook.Cli;

/// <summary><c>enrich</c>: query enrichment from the clean search logs; <c>bench enrich</c>: its latency and build time.</summary>
public sealed class EnrichCli : ICliModule
{
    internal const string PipelineCommand = "dotnet run -- pipeline run --input data/search-logs";

    public IEnumerable<Command> Commands()
    {
        var query = new Argument<string?>("query") { Description = "The query as a user typed it.", Arity = ArgumentArity.ZeroOrOne };
        var db = DbOption();
        var batch = new Option<FileInfo?>("--batch") { Description = "A file with one query per line; prints one tab-separated line per query." };
        var evaluate = new Option<bool>("--evaluate") { Description = "Print the offline evaluation on a time split (80% earliest searches train, the rest test)." };
        var command = new Command("enrich", "Normalize a query, correct its spelling, and propose related queries and clips learned from the clean search logs.");
        command.Arguments.Add(query);
        command.Options.Add(db);
        command.Options.Add(batch);
        command.Options.Add(evaluate);
        command.SetAction(parse =>
        {
            var log = CleanLogReader.Read(parse.GetValue(db)!); // a missing table or database: Program's guard, exit code 2
            if (parse.GetValue(evaluate))
            {
                PrintEvaluation(EnrichmentEvaluation.Run(log));
                return 0;
            }
            var index = EnrichmentIndex.Build(log);
            var file = parse.GetValue(batch);
            if (file is not null)
            {
                if (!file.Exists)
                {
                    Console.Error.WriteLine($"error: batch file '{file.FullName}' does not exist.");
                    return 2;
                }
                Console.WriteLine("query\tnormalized\tkind\tknown\tcorrected\trelated_queries\tsuggested_clips");
                foreach (var line in File.ReadLines(file.FullName))
                    if (line.Trim().Length > 0) PrintTsv(index.Enrich(line));
                return 0;
            }
            var text = parse.GetValue(query);
            if (text is null)
            {
                Console.Error.WriteLine("error: give a query, --batch <file> or --evaluate.");
                return 2;
            }
            Print(index.Enrich(text));
            return 0;
        });
        yield return command;
    }

    public IEnumerable<Command> Benchmarks()
    {
        var db = DbOption();
        var searches = new Option<int>("--searches") { Description = "Size of the generated log.", DefaultValueFactory = _ => 1_000_000 };
        var queries = new Option<int>("--queries") { Description = "Queries timed per log.", DefaultValueFactory = _ => 20_000 };
        var command = new Command("enrich", "p50/p99 latency of enrich with the index in memory, and index build time, on the real logs and a generated 1M-search log, beside a linear-scan spelling baseline.");
        command.Options.Add(db);
        command.Options.Add(searches);
        command.Options.Add(queries);
        command.SetAction(parse =>
        {
            CleanLog? real = null;
            try { real = CleanLogReader.Read(parse.GetValue(db)!); }
            catch (CleanTablesMissingException e) { Console.Error.WriteLine($"skipping the real logs: {e.Message} Run `{PipelineCommand}` first."); }
            foreach (var line in EnrichmentBenchmark.Run(real, parse.GetValue(searches), parse.GetValue(queries)))
                Console.WriteLine(line);
            return 0;
        });
        yield return command;
    }

    private static Option<string> DbOption() => new("--db")
    {
        Description = "SQLite file or PostgreSQL connection string holding the clean tables.",
        DefaultValueFactory = _ => WorkbookPaths.Data("search_logs.db"),
    };

    private static string F(double x) => x.ToString("0.0000", CultureInfo.InvariantCulture);

    private static void Print(EnrichmentResult r)
    {
        Console.WriteLine($"query:       {r.Input}");
        Console.WriteLine($"normalized:  {r.Normalized.Text} ({r.Normalized.Kind}{(r.Normalized.MojibakeRepaired ? ", mojibake repaired" : "")}, {(r.KnownQuery ? "seen in the logs" : "never seen")})");
        if (r.SkipReason is not null)
        {
            Console.WriteLine($"skipped:     {r.SkipReason}");
            return;
        }
        Console.WriteLine(r.Corrections.Count == 0
            ? "corrections: none"
            : $"corrections: {string.Join(", ", r.Corrections.Select(c => $"{c.From} -> {c.To} (distance {c.Distance}, seen {c.Frequency}x)"))}; corrected query: {r.CorrectedQuery}");
        Console.WriteLine("related queries:");
        if (r.RelatedQueries.Count == 0) Console.WriteLine("  (none)");
        foreach (var q in r.RelatedQueries)
            Console.WriteLine($"  {F(q.Score)}  walk {F(q.Walk)}  co-click {F(q.CoClick)}  {q.Source,-8}  {(q.HadResults ? "" : "[no results] ")}{q.Query}");
        Console.WriteLine("suggested clips:");
        if (r.SuggestedClips.Count == 0) Console.WriteLine("  (none)");
        foreach (var c in r.SuggestedClips)
            Console.WriteLine($"  {F(c.Score)}  {c.ClipId}");
    }

    private static void PrintTsv(EnrichmentResult r) => Console.WriteLine(string.Join('\t',
        Clean(r.Input), r.Normalized.Text, r.Normalized.Kind, r.KnownQuery ? "yes" : "no", r.CorrectedQuery ?? "",
        string.Join("; ", r.RelatedQueries.Select(q => $"{q.Query}={F(q.Score)}")),
        string.Join("; ", r.SuggestedClips.Select(c => $"{c.ClipId}={F(c.Score)}"))));

    private static string Clean(string s) => s.Replace('\t', ' ');

    private static void PrintEvaluation(EnrichmentEvaluationReport r)
    {
        Console.WriteLine($"time split at {r.Cutoff:O}: train {r.TrainSearches} searches / {r.TrainClicks} clicks, test {r.TestSearches} searches ({r.TestSearchesWithClick} with a click)");
        foreach (var s in r.Systems)
            Console.WriteLine($"  {s.System,-40} recall@10 {s.RecallAt10}   MRR@10 {s.Mrr10}");
        Console.WriteLine($"  recall@10 enriched - raw (paired):       {r.EnrichedMinusRaw}");
        Console.WriteLine($"  unseen test queries with >=1 clip:       {r.UnseenCoverage}");
        Console.WriteLine($"  unseen test queries with >=1 related:    {r.UnseenRelated}");
        Console.WriteLine($"  zero-result searches rescued:            {r.ZeroResultRescue}");
    }
}
