using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using Workbook.Dag;
using Workbook.Make;

namespace Workbook.Cli;

/// <summary><c>make</c>: build the workbook's derived data (the DAG in studies/Make), only what is stale.</summary>
public sealed class MakeCli : ICliModule
{
    public IEnumerable<Command> Commands()
    {
        var targets = new Argument<string[]>("target")
        {
            Description = "Targets to build, with their dependencies (default: all).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would rebuild and why (which input, parameter, code or output changed); build nothing." };
        var force = new Option<bool>("--force") { Description = "Rebuild the named targets and their dependencies even if up to date." };
        var jobs = new Option<int>("--jobs") { Description = "Targets built at the same time.", DefaultValueFactory = _ => 2 };
        var show = new Option<bool>("--provenance") { Description = "Print what each built target was made from (commit, input hashes, parameters, outputs); build nothing." };
        var make = new Command("make", "Build derived data in data/derived/ from the raw data/ (stale targets only; see --dry-run).");
        make.Arguments.Add(targets);
        make.Options.Add(dryRun);
        make.Options.Add(force);
        make.Options.Add(jobs);
        make.Options.Add(show);
        make.SetAction(async (parse, ct) =>
        {
            var names = parse.GetValue(targets) ?? [];
            try
            {
                var root = WorkbookPaths.Root();
                if (parse.GetValue(show)) return MakeCommand.ShowProvenance(root, names);
                if (parse.GetValue(dryRun)) return MakeCommand.DryRun(root, names, parse.GetValue(force));
                return await MakeCommand.BuildAsync(root, names, parse.GetValue(force), parse.GetValue(jobs), ct) ? 0 : 1;
            }
            catch (Exception e) when (e is MakeException or InvalidDataException)
            {
                Console.Error.WriteLine($"make: {e.Message}");
                return 2;
            }
        });
        yield return make;
    }
}

/// <summary>What <c>make</c> does, shared with <c>report</c> (which makes what its notebooks read first).</summary>
internal static class MakeCommand
{
    public static int DryRun(string root, IReadOnlyCollection<string> names, bool force)
    {
        var engine = new MakeEngine(root, WorkbookTargets.All, NullLogger.Instance);
        var plan = engine.Plan(names, force);
        Console.WriteLine($"make --dry-run: {plan.Stale.Count} of {plan.Targets.Count} targets would rebuild");
        var width = plan.Targets.Select(p => p.Target.Name.Length).DefaultIfEmpty(0).Max();
        foreach (var p in plan.Targets)
        {
            Console.WriteLine($"  {p.Target.Name.PadRight(width)}  {(p.Stale ? "rebuild   " : "up to date")}  {p.Target.Description}");
            foreach (var reason in p.Reasons) Console.WriteLine($"  {"".PadRight(width)}  - {reason}");
        }
        return 0;
    }

    public static int ShowProvenance(string root, IReadOnlyCollection<string> names)
    {
        var engine = new MakeEngine(root, WorkbookTargets.All, NullLogger.Instance);
        var wanted = names.Count == 0 ? engine.Catalog.Select(t => t.Name).ToList() : engine.Plan(names).Targets.Select(t => t.Target.Name).ToList();
        foreach (var name in wanted)
        {
            var e = engine.Manifest[name];
            if (e is null)
            {
                Console.WriteLine($"{name}: never built");
                continue;
            }
            Console.WriteLine($"{name}: built {e.BuiltUtc:yyyy-MM-dd HH:mm:ss} UTC in {e.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s at commit {e.Commit}{(e.Dirty ? " (with uncommitted changes)" : "")}");
            foreach (var (path, hash) in e.Fingerprint.Inputs) Console.WriteLine($"  input      {path}  sha256 {hash}");
            foreach (var (dep, hash) in e.Fingerprint.Dependencies) Console.WriteLine($"  dependency {dep}  outputs {hash}");
            foreach (var (key, value) in e.Fingerprint.Parameters) Console.WriteLine($"  parameter  {key} = {value}");
            foreach (var (path, hash) in e.Fingerprint.Code) Console.WriteLine($"  code       {path}  sha256 {hash}");
            foreach (var (path, hash) in e.Outputs) Console.WriteLine($"  output     {path}  sha256 {hash}");
        }
        Console.WriteLine($"(from {Manifest.RepoPath})");
        return 0;
    }

    /// <summary>
    /// Builds the stale targets among <paramref name="names"/> (all when empty) and their dependencies, under the lock.
    /// A progress display on a terminal, one log line per event otherwise. False when a target failed.
    /// </summary>
    public static async Task<bool> BuildAsync(string root, IReadOnlyCollection<string> names, bool force, int jobs, CancellationToken ct,
        bool quietWhenUpToDate = false)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        var interactive = console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
        using var gate = await MakeLock.AcquireAsync(root, message => Console.Error.WriteLine($"make: {message}"), ct);
        var logger = new LineLogger(interactive ? null : Console.Out);
        var engine = new MakeEngine(root, WorkbookTargets.All, logger, jobs);
        var plan = engine.Plan(names, force);
        if (plan.Stale.Count == 0)
        {
            if (!quietWhenUpToDate) Console.WriteLine($"make: {plan.Targets.Count} target(s) up to date");
            return true;
        }
        foreach (var p in plan.Stale)
            Console.WriteLine($"make: {p.Target.Name} is stale: {string.Join("; ", p.Reasons)}");

        IReadOnlyList<TargetOutcome> outcomes = [];
        if (interactive)
        {
            await console.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var rows = plan.Stale.ToDictionary(p => p.Target.Name, p =>
                    {
                        var row = progress.AddTask($"[grey]{Markup.Escape(p.Target.Name)} (waiting)[/]", autoStart: false, maxValue: 1);
                        row.IsIndeterminate = true;
                        return row;
                    });
                    engine.TargetChanged += (name, outcome) =>
                    {
                        var row = rows[name];
                        if (outcome is null)
                        {
                            row.Description = Markup.Escape(name);
                            row.StartTask();
                        }
                    };
                    outcomes = await engine.BuildAsync(plan, ct);
                    foreach (var o in outcomes)
                    {
                        var row = rows[o.Target];
                        row.Description = o.Outcome == TaskOutcome.Succeeded ? $"[green]{Markup.Escape(o.Target)}[/]" : $"[red]{Markup.Escape(o.Target)} {o.Outcome.ToString().ToLowerInvariant()}[/]";
                        row.IsIndeterminate = false;
                        row.Value = 1;
                        row.StopTask();
                    }
                });
        }
        else
        {
            outcomes = await engine.BuildAsync(plan, ct);
        }
        foreach (var o in outcomes)
        {
            var status = o.Outcome switch { TaskOutcome.Succeeded => "built  ", TaskOutcome.Failed => "FAILED ", _ => "skipped" };
            Console.WriteLine($"make: {status} {o.Target,-32} {o.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture),6} s{(o.Error is null ? "" : "  " + o.Error)}");
        }
        return outcomes.All(o => o.Outcome == TaskOutcome.Succeeded);
    }

    /// <summary>The DAG runner's log lines, written as they come (plain output) or dropped (the progress display shows them).</summary>
    private sealed class LineLogger(TextWriter? writer) : ILogger
    {
        private readonly object _gate = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => writer != null && logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (_gate) writer!.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {formatter(state, exception)}");
        }
    }
}
