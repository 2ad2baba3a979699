using System.Diagnostics;

namespace Workbook.Tests.Infrastructure;

/// <summary>The workbook CLI run as a real child process (`dotnet workbook.dll ...`), as a user would run it.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Path of the CLI's dll, copied next to the tests by the project reference.</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "workbook.dll");

    /// <summary>Starts the CLI without waiting (for tests that kill it mid-run).</summary>
    public static Process Start(IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? WorkbookPaths.Root(AppContext.BaseDirectory),
        };
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    /// <summary>
    /// How every verb reports a problem the user can fix (cli/CliErrors): exit code 2, <paramref name="expected"/> on
    /// stderr, and no stack trace.
    /// </summary>
    public static void AssertUserError(Result r, string expected)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Stdout}{r.Stderr}");
        Assert.Contains(expected, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    /// <summary>Runs the CLI to completion and returns its exit code and output.</summary>
    public static Result Run(IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        using var p = Start(args, workingDirectory);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"workbook {string.Join(' ', args)} did not finish in time.");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
