using System.Diagnostics;

namespace Workbook.Tests.Infrastructure;

/// <summary>
/// Runs tests/setup-system.sh once per test run, so tests that need Chromium or PostgreSQL work from a plain
/// `dotnet test tests` on a fresh machine. A failure is a test failure with the script's output, never a skip.
/// </summary>
public static class SystemSetup
{
    private static readonly Lazy<string> Result = new(Run, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Connection string of the local test server; override with WORKBOOK_TEST_PG.</summary>
    public static string PostgresConnectionString =>
        Environment.GetEnvironmentVariable("WORKBOOK_TEST_PG")
        ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=workbook;Database=workbook_test;Pooling=false";

    public const string ChromiumPath = "/usr/bin/chromium";

    public static void Ensure() => _ = Result.Value;

    private static string Run()
    {
        var script = Path.Combine(WorkbookPaths.Root(AppContext.BaseDirectory), "tests", "setup-system.sh");
        var psi = new ProcessStartInfo("bash", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish in 10 minutes.");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"{script} failed with exit code {p.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}
