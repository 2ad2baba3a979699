using System.Diagnostics;
using System.Net;
using Workbook.Make;
using Workbook.Notebooks;

namespace Workbook.Cli;

/// <summary>
/// <c>report --watch</c>. The command the user starts is a small supervisor: it holds the port and runs the server in
/// a child process, which it starts again when the child exits because the library was rebuilt (a .NET process
/// cannot unload the library it loaded, so only a new process runs the new build). Open pages reconnect to the same
/// port by themselves. Ctrl-C reaches both; the supervisor also closes the child's stdin, which stops it.
/// </summary>
internal static class WatchCommand
{
    /// <summary>Set in the child's environment: serve, do not supervise. Its value is why the child (re)started.</summary>
    internal const string ChildVariable = "WORKBOOK_WATCH_CHILD";

    /// <summary>The child's exit code when the library was rebuilt and it wants to be started again.</summary>
    internal const int RestartCode = 75;

    public static async Task<int> RunAsync(IReadOnlyList<string> requested, string? output, int? port, CancellationToken ct)
    {
        var root = WorkbookPaths.Root();
        if (ReportCommand.Notebooks(root, requested) is not { } paths) return 2;
        if (port is < 0 or > 65535)
        {
            Console.Error.WriteLine($"report: --port {port} is not a port (1-65535)");
            return 2;
        }
        var outDir = Path.GetFullPath(output ?? Path.Combine(root, "reports"));
        // With no notebook named, the whole notebooks folder is watched, and a notebook created later joins in.
        var discover = requested.Count == 0 ? Path.Combine(root, "notebooks") : null;
        return Environment.GetEnvironmentVariable(ChildVariable) is { Length: > 0 } why
            ? await ServeAsync(root, paths, outDir, port ?? 0, why == "start" ? null : why, discover, ct)
            : await SuperviseAsync(requested.Count == 0 ? [] : paths, outDir, port ?? WatchServer.FreePort(), ct);
    }

    private static async Task<int> SuperviseAsync(IReadOnlyList<string> paths, string outDir, int port, CancellationToken ct)
    {
        var why = "start";
        while (true)
        {
            var started = Stopwatch.StartNew();
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") psi.ArgumentList.Add(typeof(WatchCommand).Assembly.Location);
            foreach (var a in (string[])["report", "--watch", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--output", outDir, .. paths])
                psi.ArgumentList.Add(a);
            psi.Environment[ChildVariable] = why;
            using var child = Process.Start(psi)!;
            using (ct.Register(() => { try { child.StandardInput.Close(); } catch (Exception e) when (e is IOException or ObjectDisposedException) { } }))
            {
                await child.WaitForExitAsync(CancellationToken.None);
            }
            if (ct.IsCancellationRequested) return 130;
            switch (child.ExitCode)
            {
                case RestartCode:
                    Console.WriteLine("report --watch: the library was rebuilt; starting again with it (open pages reconnect)");
                    why = "the library was rebuilt";
                    continue;
                case 0 or 1 or 2 or 130:
                    return child.ExitCode;
                default:
                    if (started.Elapsed < TimeSpan.FromSeconds(10))
                    {
                        Console.Error.WriteLine($"report --watch: the server stopped (exit {child.ExitCode}) right after starting; not trying again");
                        return 1;
                    }
                    Console.Error.WriteLine($"report --watch: the server stopped (exit {child.ExitCode}); starting it again");
                    why = $"the server stopped (exit {child.ExitCode}) and was started again";
                    continue;
            }
        }
    }

    private static async Task<int> ServeAsync(string root, IReadOnlyList<string> paths, string outDir, int port, string? restartReason, string? discover,
        CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // The supervisor closes stdin to stop the server (when it is stopped itself without a terminal's Ctrl-C).
        _ = Task.Run(() =>
        {
            try { while (Console.In.Read() >= 0) { } }
            catch (IOException) { }
            cts.Cancel();
        }, CancellationToken.None);

        WatchServer server;
        try
        {
            server = new WatchServer(outDir, port);
        }
        catch (HttpListenerException e)
        {
            Console.Error.WriteLine($"report: cannot serve on 127.0.0.1:{port}: {e.Message}");
            return 2;
        }
        await using (server)
        {
            server.Start();
            Console.WriteLine($"report --watch: serving {server.Url} (127.0.0.1 only; Ctrl-C stops)");
            foreach (var p in paths) Console.WriteLine($"  {server.Url}{Path.GetFileNameWithoutExtension(p)}.html  <- {p}");

            // Derived data: made before a notebook's first run and whenever a save names data not made yet.
            var made = new HashSet<string>(StringComparer.Ordinal);
            async Task MakeWhatItReads(string notebook, CancellationToken token)
            {
                var wanted = NotebookDependencies.DerivedPaths(ReportCommand.CodeOf(notebook)).Where(made.Add).ToList();
                if (wanted.Count > 0) await ReportCommand.MakeAsync(root, wanted, token);
            }

            var library = new[] { Path.Combine(root, "lib", "bin", "Workbook.Lib.dll"), typeof(Workbook.Reports.Table).Assembly.Location }
                .Distinct(StringComparer.Ordinal).ToList();
            var watch = new ReportWatch(paths, library, server, Console.Out, MakeWhatItReads, restartReason, discover);
            var exit = await watch.RunAsync(cts.Token);
            if (exit == WatchExit.LibraryRebuilt) return RestartCode;
            Console.WriteLine("report --watch: stopped");
            return 130;
        }
    }
}
