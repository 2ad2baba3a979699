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
        var input = new Option<string>("--input")
        {
            Description = "Folder with search_request.csv and search_result_interaction.csv",
            DefaultValueFactory = _ => WorkbookPaths.Data("search-logs"),
        };
        var db = new Option<string>("--db")
        {
            Description = "SQLite file path, or a PostgreSQL connection string (Host=...;Username=...;Password=...;Database=...)",
            DefaultValueFactory = _ => SearchLogDatabase.DefaultPath,
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
            return summary.Succeeded ? 0 : summary.StructuralFailure ? 2 : 1;
        });

        var dag = new Command("dag", "Print the pipeline's task graph.");
        dag.SetAction(_ => Console.Write(SearchLogPipeline.Graph().Render()));

        pipeline.Subcommands.Add(run);
        pipeline.Subcommands.Add(dag);
        yield return pipeline;
    }
}
