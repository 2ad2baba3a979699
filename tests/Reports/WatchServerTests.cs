using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Workbook.Notebooks;

namespace Workbook.Tests.Reports;

/// <summary>report --watch's server: loopback only, the reports folder only, and live pages over server-sent events.</summary>
public sealed class WatchServerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wb-watch-" + Guid.NewGuid().ToString("N")[..8]);
    private string Reports => Path.Combine(_root, "reports");

    public WatchServerTests()
    {
        Directory.CreateDirectory(Path.Combine(Reports, ".cache"));
        Directory.CreateDirectory(Path.Combine(Reports, "sub"));
        File.WriteAllText(Path.Combine(Reports, "index.html"), "<html>index</html>");
        File.WriteAllText(Path.Combine(Reports, "sub", "a.html"), "<html>a</html>");
        File.WriteAllText(Path.Combine(Reports, ".cache", "x.json"), "{}");
        File.WriteAllText(Path.Combine(_root, "secret.txt"), "outside the reports folder");
        File.CreateSymbolicLink(Path.Combine(Reports, "link.txt"), Path.Combine(_root, "secret.txt"));
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("/../secret.txt")]
    [InlineData("/%2e%2e/secret.txt")]
    [InlineData("/..%2fsecret.txt")]
    [InlineData("/sub/../../secret.txt")]
    [InlineData("/..%5csecret.txt")]
    [InlineData("/.cache/x.json")]
    [InlineData("/link.txt")]
    [InlineData("/C:/Windows/win.ini")]
    [InlineData("/%00index.html")]
    public void Paths_outside_the_reports_folder_are_refused(string raw)
    {
        Assert.Null(WatchServer.ReportFile(Reports, raw));
    }

    [Fact]
    public void Paths_inside_the_reports_folder_resolve()
    {
        Assert.Equal(Path.Combine(Reports, "index.html"), WatchServer.ReportFile(Reports, "/index.html?x=1"));
        Assert.Equal(Path.Combine(Reports, "sub", "a.html"), WatchServer.ReportFile(Reports, "/sub/a.html"));
        Assert.Equal(Path.Combine(Reports, "sub", "a.html"), WatchServer.ReportFile(Reports, "/sub%2fa.html"));
    }

    [Fact]
    public void Only_loopback_peers_under_the_servers_own_host_names_are_allowed()
    {
        Assert.True(WatchServer.IsAllowed(IPAddress.Loopback, "127.0.0.1:5000", 5000));
        Assert.True(WatchServer.IsAllowed(IPAddress.IPv6Loopback, "localhost:5000", 5000));
        Assert.False(WatchServer.IsAllowed(IPAddress.Parse("192.168.1.20"), "127.0.0.1:5000", 5000));
        Assert.False(WatchServer.IsAllowed(IPAddress.Parse("10.0.0.1"), "localhost:5000", 5000));
        Assert.False(WatchServer.IsAllowed(IPAddress.Loopback, "attacker.example:5000", 5000)); // DNS rebinding
        Assert.False(WatchServer.IsAllowed(IPAddress.Loopback, null, 5000));
        Assert.False(WatchServer.IsAllowed(null, "127.0.0.1:5000", 5000));
    }

    [Fact]
    public async Task The_real_server_refuses_traversal_and_foreign_hosts_and_serves_reports_and_live_pages()
    {
        await using var server = new WatchServer(Reports);
        server.Start();
        Assert.Equal(200, (await Raw(server.Port, "/index.html")).Status);
        foreach (var path in new[] { "/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/.cache/x.json", "/link.txt" })
        {
            var r = await Raw(server.Port, path);
            Assert.True(r.Status == 403, $"{path}: {r.Status}");
            Assert.DoesNotContain("outside the reports folder", r.Body);
        }
        Assert.NotEqual(200, (await Raw(server.Port, "/index.html", host: "attacker.example")).Status);
        Assert.Equal(405, (await Raw(server.Port, "/index.html", method: "POST")).Status);

        server.Publish("nb", "<html><body><p>first</p></body></html>");
        var page = await Raw(server.Port, "/nb.html");
        Assert.Contains("<p>first</p>", page.Body);
        Assert.Contains("EventSource('/events')", page.Body);
        Assert.Contains("nb.html", (await Raw(server.Port, "/")).Body);

        // An open page hears about the new version.
        using var client = new HttpClient { BaseAddress = server.Url };
        await using var events = await client.GetStreamAsync("/events");
        using var reader = new StreamReader(events);
        Assert.Contains("\"name\":\"nb\"", await ReadEvent(reader));
        server.Publish("nb", "<html><body><p>second</p></body></html>");
        Assert.Contains("-2\"", await ReadEvent(reader));
    }

    [Fact]
    public async Task The_server_is_not_reachable_on_the_machines_other_addresses()
    {
        await using var server = new WatchServer(Reports);
        server.Start();
        var others = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();
        foreach (var address in others)
        {
            using var tcp = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => tcp.ConnectAsync(address, server.Port));
        }
        using var loopback = new TcpClient();
        await loopback.ConnectAsync(IPAddress.Loopback, server.Port);
    }

    private static async Task<string> ReadEvent(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var sb = new StringBuilder();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0 && sb.ToString().Contains("event: update")) return sb.ToString();
            if (line.Length > 0) sb.AppendLine(line);
        }
        return sb.ToString();
    }

    /// <summary>A request sent as raw bytes, so no client library normalizes the path on the way.</summary>
    private static async Task<(int Status, string Body)> Raw(int port, string path, string? host = null, string method = "GET")
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = tcp.GetStream();
        var request = $"{method} {path} HTTP/1.1\r\nHost: {host ?? $"127.0.0.1:{port}"}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var status = int.Parse(text.Split(' ', 3)[1]);
        var body = text.Contains("\r\n\r\n") ? text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..] : "";
        return (status, body);
    }
}
