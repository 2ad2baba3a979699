using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Workbook.Tests.Infrastructure;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Reports;

/// <summary>`report --watch` as a user starts it: prints its loopback URL, serves the page, and stops cleanly on Ctrl-C.</summary>
public class WatchCliTests
{
    [Fact]
    public async Task Report_watch_prints_a_loopback_url_serves_the_live_page_and_stops_cleanly_on_ctrl_c()
    {
        using var nb = TempNotebook.Of("Console.Write(\"hello from the live page\")");
        using var cli = CliProcess.Start(["report", "--watch", nb.Path, "--output", nb.Directory]);
        try
        {
            await Run(cli, nb);
        }
        finally
        {
            if (!cli.HasExited) cli.Kill(entireProcessTree: true);
        }
    }

    private static bool SigintIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line != null && (Convert.ToUInt64(line[7..].Trim(), 16) & 2) != 0;
    }

    private static async Task Run(Process cli, TempNotebook nb)
    {
        var errors = cli.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        Uri? url = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (url == null && await cli.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            lines.Add(line);
            if (Regex.Match(line, @"serving (http://127\.0\.0\.1:\d+/)") is { Success: true } m) url = new Uri(m.Groups[1].Value);
        }
        Assert.True(url != null, string.Join("\n", lines));
        var output = cli.StandardOutput.ReadToEndAsync(); // keep the pipe drained

        using var http = new HttpClient();
        string page = "";
        while (!timeout.IsCancellationRequested)
        {
            var r = await http.GetAsync(new Uri(url, "test.html"), timeout.Token);
            if (r.StatusCode == HttpStatusCode.OK) { page = await r.Content.ReadAsStringAsync(timeout.Token); break; }
            await Task.Delay(200, timeout.Token);
        }
        Assert.Contains("hello from the live page", page);

        // Ctrl-C: SIGINT to the command the user started. A process started from a background job of a non-interactive
        // shell inherits SIGINT as ignored (and so does the CLI here); then SIGTERM, which takes the same way out.
        var signal = SigintIgnored() ? "-TERM" : "-INT";
        using (var kill = Process.Start("kill", [signal, cli.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync(timeout.Token);
        var clock = Stopwatch.StartNew();
        await cli.WaitForExitAsync(timeout.Token);
        if (cli.ExitCode != 130) Assert.Fail($"exit {cli.ExitCode}: {await output}{await errors}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed} to stop");
        Assert.DoesNotContain("   at ", await errors);
        // The server (the child process) is gone too: the port no longer answers.
        var closed = false;
        for (var i = 0; i < 50 && !closed; i++)
        {
            using var tcp = new TcpClient();
            try { await tcp.ConnectAsync(IPAddress.Loopback, url.Port, timeout.Token); await Task.Delay(100, timeout.Token); }
            catch (SocketException) { closed = true; }
        }
        Assert.True(closed, "the port still answers after Ctrl-C");
    }
}
