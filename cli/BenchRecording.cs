using System.CommandLine;
using System.Text;
using Workbook.Reports;

namespace Workbook.Cli;

/// <summary>
/// <c>bench VERB --record</c>: runs the benchmark as usual, printing as it goes, and on success writes what it printed to
/// its block in docs/BENCHMARKS.md (<see cref="BenchmarkDocument"/>) with the date, machine load, commit and command.
/// </summary>
internal static class BenchRecording
{
    public static Option<bool> Option() => new("--record")
    {
        Description = "Also write the result, with date, load, commit and command, to its block in docs/BENCHMARKS.md",
        Recursive = true,
    };

    /// <summary>Invokes <paramref name="parse"/>, recording its output when <paramref name="record"/> is set on a bench verb.</summary>
    public static async Task<int> InvokeAsync(ParseResult parse, InvocationConfiguration invocation, Option<bool> record, Command bench, string[] args)
    {
        var verb = parse.CommandResult.Command;
        if (parse.Errors.Count > 0 || !parse.GetValue(record) || verb == bench || !bench.Subcommands.Contains(verb))
            return await parse.InvokeAsync(invocation);

        var original = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(new TeeWriter(original, captured));
        int exit;
        try { exit = await parse.InvokeAsync(invocation); }
        finally
        {
            Console.Out.Flush();
            Console.SetOut(original);
        }
        if (exit != 0)
        {
            Console.Error.WriteLine($"bench {verb.Name}: exit code {exit}; nothing recorded.");
            return exit;
        }
        // The command as run: a Debug build's numbers are not comparable, and the record says so by its command.
        var configuration = IsOptimized() ? "-c Release " : "";
        var command = $"dotnet run {configuration}-- " + string.Join(' ', args.Where(a => a != "--record").Select(Quote));
        var path = Path.Combine(WorkbookPaths.Root(), "docs", "BENCHMARKS.md");
        // The document itself is rewritten by every record, so its own change does not make a run "uncommitted".
        var (commit, dirty) = Provenance.GitState(except: path);
        BenchmarkDocument.Record(path, new BenchmarkDocument.Run(verb.Name, command, DateTimeOffset.UtcNow, MachineLoad.Now(), commit, dirty, captured.ToString()));
        Console.WriteLine($"recorded in {path} (bench:{verb.Name})");
        return 0;
    }

    private static bool IsOptimized() =>
        typeof(BenchRecording).Assembly.GetCustomAttributes(typeof(System.Diagnostics.DebuggableAttribute), false)
            .OfType<System.Diagnostics.DebuggableAttribute>().All(d => !d.IsJITOptimizerDisabled);

    private static string Quote(string arg) => arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_.,/=:".Contains(c)) ? arg : $"\"{arg}\"";

    // Writes through to the console and into the record, so a long benchmark still shows its progress.
    private sealed class TeeWriter(TextWriter console, TextWriter copy) : TextWriter
    {
        public override Encoding Encoding => console.Encoding;
        public override void Write(char value) { console.Write(value); copy.Write(value); }
        public override void Write(string? value) { console.Write(value); copy.Write(value); }
        public override void Write(char[] buffer, int index, int count) { console.Write(buffer, index, count); copy.Write(buffer, index, count); }
        public override void WriteLine(string? value) { console.WriteLine(value); copy.WriteLine(value); }
        public override void Flush() { console.Flush(); copy.Flush(); }
    }
}
