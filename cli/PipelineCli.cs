using System.CommandLine;
using Microsoft.Extensions.Logging;
using Workbook.SearchLogs;

namespace Workbook.Cli;

/// <summary><c>pipeline run</c>, <c>pipeline dag</c> and <c>bench pipeline</c>: the search-log cleaning pipeline.</summary>
public sealed class PipelineCli : ICliModule
{
    public IEnumerable<Command> Commands()
    {
        var pipeline = new Command("pipeline", "Search-log cleaning pipeline (raw CSV logs -> clean tables in SQLite or PostgreSQL).");

        var run = new Command("run", "Run the pipeline: load, clean, link, verify and publish the clean tables.");
        var input = DataArguments.Input("Folder with search_request.csv and search_result_interaction.csv", () => WorkbookPaths.Data("search-logs"));
        var db = new Option<string>("--db")
        {
            Description = "SQLite file path, or a PostgreSQL connection string (Host=...;Username=...;Password=...;Database=...)",
            DefaultValueFactory = _ => WorkbookPaths.Data("search_logs.db"),
        };
        var quiet = new Option<bool>("--quiet") { Description = "Only print the summary, not one log line per task event" };
        run.Options.Add(input);
        run.Options.Add(db);
        run.Options.Add(quiet);
        run.SetAction(async (parse, ct) =>
        {
            using var loggers = LoggerFactory.Create(b =>
            {
                b.SetMinimumLevel(parse.GetValue(quiet) ? LogLevel.Warning : LogLevel.Information);
                b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; o.UseUtcTimestamp = true; });
            });
            var summary = await SearchLogPipeline.RunAsync(new PipelineOptions
            {
                InputFolder = parse.GetValue(input)!,
                Database = parse.GetValue(db)!,
                LoggerFactory = loggers,
            }, ct);
            loggers.Dispose(); // flush the console logger before the summary
            Console.WriteLine(summary.Render());
            // 2: the user can fix it (a bad file, or another run writing this database); 1: the run itself failed.
            return summary.Succeeded ? 0 : summary.StructuralFailure || summary.Refused ? 2 : 1;
        });

        var dag = new Command("dag", "Print the pipeline's task graph.");
        dag.SetAction(_ => Console.Write(SearchLogPipeline.Graph().Render()));

        pipeline.Subcommands.Add(run);
        pipeline.Subcommands.Add(dag);
        yield return pipeline;
    }

    public IEnumerable<Command> Benchmarks()
    {
        var bench = new Command("pipeline", "Messy logs at 1M and 10M requests (+ about as many clicks): pipeline vs a plain bulk load into SQLite.");
        var sizes = new Option<string>("--sizes") { Description = "Comma-separated request counts", DefaultValueFactory = _ => "1000000,10000000" };
        var work = new Option<string>("--work")
        {
            Description = "Folder for the generated logs and databases (reused between runs; needs ~2 GB at 10M)",
            DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "workbook-bench-pipeline"),
        };
        var sequential = new Option<bool>("--sequential") { Description = "Run the pipeline's tasks one at a time, so the CPU time printed per task is its own" };
        bench.Options.Add(sizes);
        bench.Options.Add(sequential);
        bench.Options.Add(work);
        bench.SetAction(parse =>
        {
            var folder = Directory.CreateDirectory(parse.GetValue(work)!).FullName;
            var results = new List<PipelineBenchResult>();
            foreach (var n in parse.GetValue(sizes)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse))
                results.Add(PipelineBenchmark.Run(n, folder, Console.WriteLine, parse.GetValue(sequential)));
            Console.WriteLine();
            Console.WriteLine($"{"requests",12} {"raw rows",12} {"bulk s",8} {"pipeline s",10} {"rows/s",11} {"ratio",6} {"cpu ratio",9} {"peak MB",8} {"bulk MB",8} {"load",5}");
            foreach (var r in results)
                Console.WriteLine($"{r.Requests,12:N0} {r.RawRows,12:N0} {r.BulkLoadSeconds,8:0.0} {r.PipelineSeconds,10:0.0} {r.PipelineRowsPerSecond,11:N0} {r.RatioToBulkLoad,6:0.00} {r.CpuRatioToBulkLoad,9:0.00} {r.PipelinePeakBytes / 1048576.0,8:N0} {r.BulkLoadPeakBytes / 1048576.0,8:N0} {r.Load,5}");
            Console.WriteLine("ratio = pipeline wall time / plain bulk load wall time (the floor); cpu ratio = the same with process CPU time;");
            Console.WriteLine("peak MB = peak resident memory of the phase; load = 1-min load average at the end.");
            Console.WriteLine("targets: 10M + 10M under 60 s, ratio <= 3, peak < 1024 MB");
            return results.All(r => r.Succeeded) ? 0 : 1;
        });
        yield return bench;
    }
}
