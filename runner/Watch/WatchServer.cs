using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Workbook.Notebooks;

/// <summary>
/// The HTTP server of <c>report --watch</c>: listens on 127.0.0.1 only, serves the live pages it is given (from
/// memory) and the files below the reports folder, and tells open pages over server-sent events (<c>/events</c>)
/// when their notebook has a new version. A request from anywhere but loopback, for another host name (DNS
/// rebinding) or for a path outside the reports folder is refused with 403. BCL HttpListener: no new dependency,
/// and a page, a file and an event stream are all it has to serve.
/// </summary>
internal sealed class WatchServer : IAsyncDisposable
{
    private readonly string _reports;
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, (string Html, string Version)> _pages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Channel<string>, byte> _clients = new();
    private readonly string _instance = Guid.NewGuid().ToString("N")[..8];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _requests = [];
    private int _version;
    private Task? _loop;

    public WatchServer(string reportsDirectory, int port = 0)
    {
        _reports = Path.GetFullPath(reportsDirectory).TrimEnd(Path.DirectorySeparatorChar);
        Port = Listen(_listener, port);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>Names of the live pages, in the order they were first published.</summary>
    private readonly List<string> _order = [];

    /// <summary>A free loopback port, as the system hands one out.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try { return ((IPEndPoint)probe.LocalEndpoint).Port; }
        finally { probe.Stop(); }
    }

    // HttpListener cannot take port 0: ask for a free one and retry if another process took it in between.
    private static int Listen(HttpListener listener, int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            var chosen = port > 0 ? port : FreePort();
            listener.Prefixes.Clear();
            listener.Prefixes.Add($"http://127.0.0.1:{chosen}/");
            try
            {
                listener.Start();
                return chosen;
            }
            catch (HttpListenerException) when (port == 0 && attempt < 5)
            {
            }
        }
    }

    public void Start() => _loop = Task.Run(AcceptLoop);

    /// <summary>Sets the live page of <paramref name="name"/> (a notebook's report name) and tells its open pages.</summary>
    public void Publish(string name, string html)
    {
        var version = $"{_instance}-{Interlocked.Increment(ref _version)}";
        lock (_order)
            if (!_order.Contains(name)) _order.Add(name);
        _pages[name] = (html, version);
        Broadcast("update", JsonSerializer.Serialize(new { name, version }));
    }

    /// <summary>Tells open pages of <paramref name="name"/> that it is running (shown in their status badge).</summary>
    public void Running(string name) => Broadcast("running", JsonSerializer.Serialize(new { name }));

    private void Broadcast(string kind, string data)
    {
        var message = $"event: {kind}\ndata: {data}\n\n";
        foreach (var client in _clients.Keys) client.Writer.TryWrite(message);
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            var task = Task.Run(() => HandleAsync(context));
            lock (_requests)
            {
                _requests.RemoveAll(t => t.IsCompleted);
                _requests.Add(task);
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var request = context.Request;
            if (!IsAllowed(request.RemoteEndPoint?.Address, request.Headers["Host"], Port))
            {
                await Send(response, 403, "text/plain", "report --watch: only this machine's own pages (127.0.0.1) may connect.");
                return;
            }
            if (request.HttpMethod != "GET")
            {
                await Send(response, 405, "text/plain", "report --watch serves pages only.");
                return;
            }
            var raw = request.RawUrl ?? "/";
            var path = raw.Split('?', '#')[0];
            if (path == "/events")
            {
                await StreamEvents(response);
                return;
            }
            if (path == "/favicon.ico")
            {
                await Send(response, 204, "text/plain", "");
                return;
            }
            if (path == "/")
            {
                await Send(response, 200, "text/html; charset=utf-8", Index());
                return;
            }
            var name = Uri.UnescapeDataString(path.TrimStart('/'));
            if (name.EndsWith(".html", StringComparison.Ordinal) && _pages.TryGetValue(name[..^5], out var page))
            {
                await Send(response, 200, "text/html; charset=utf-8", WithLiveScript(page.Html, name[..^5], page.Version));
                return;
            }
            var file = ReportFile(_reports, path);
            if (file == null)
            {
                await Send(response, 403, "text/plain", "report --watch serves the reports folder only.");
                return;
            }
            if (!File.Exists(file))
            {
                await Send(response, 404, "text/plain", "no such report.");
                return;
            }
            await Send(response, 200, ContentType(file), await File.ReadAllBytesAsync(file, _stop.Token));
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The browser went away or the server is stopping.
        }
        finally
        {
            try { response.Close(); } catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { }
        }
    }

    /// <summary>Loopback peers only, and only under this server's own host names (a page on another site cannot rebind a name to 127.0.0.1 and read it).</summary>
    internal static bool IsAllowed(IPAddress? remote, string? host, int port) =>
        remote != null && IPAddress.IsLoopback(remote) &&
        host is { } h && (h == $"127.0.0.1:{port}" || h == $"localhost:{port}");

    /// <summary>
    /// The file below <paramref name="reports"/> that the request path <paramref name="rawPath"/> names, or null when
    /// it names anything else: <c>..</c> (encoded or not), a hidden entry such as <c>.cache/</c>, a backslash, or a
    /// link leading out of the folder.
    /// </summary>
    internal static string? ReportFile(string reports, string rawPath)
    {
        string decoded;
        try { decoded = Uri.UnescapeDataString(rawPath.Split('?', '#')[0]); }
        catch (UriFormatException) { return null; }
        if (decoded.Contains('\0') || decoded.Contains('\\') || decoded.Contains(':')) return null;
        var segments = decoded.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(s => s.StartsWith('.'))) return null;
        var root = Path.GetFullPath(reports).TrimEnd(Path.DirectorySeparatorChar);
        var full = Path.GetFullPath(Path.Combine([root, .. segments]));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return null;
        for (var p = full; p.Length > root.Length; p = Path.GetDirectoryName(p)!)
        {
            FileSystemInfo info = Directory.Exists(p) ? new DirectoryInfo(p) : new FileInfo(p);
            if (info.Exists && info.LinkTarget != null) return null;
        }
        return full;
    }

    private async Task StreamEvents(HttpListenerResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers["Cache-Control"] = "no-cache";
        response.SendChunked = true;
        var channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        // A reconnecting page (after Ctrl-C and a restart) compares these with the version it shows.
        channel.Writer.TryWrite("retry: 1000\n\n");
        foreach (var (name, page) in _pages)
            channel.Writer.TryWrite($"event: update\ndata: {JsonSerializer.Serialize(new { name, version = page.Version })}\n\n");
        _clients[channel] = 0;
        try
        {
            var output = response.OutputStream;
            while (!_stop.IsCancellationRequested)
            {
                using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                heartbeat.CancelAfter(TimeSpan.FromSeconds(15));
                string message;
                try
                {
                    message = await channel.Reader.ReadAsync(heartbeat.Token);
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                    message = ": keep-alive\n\n";
                }
                var bytes = Encoding.UTF8.GetBytes(message);
                await output.WriteAsync(bytes, _stop.Token);
                await output.FlushAsync(_stop.Token);
            }
        }
        finally
        {
            _clients.TryRemove(channel, out _);
        }
    }

    private string Index()
    {
        List<string> names;
        lock (_order) names = _order.ToList();
        var items = string.Concat(names.Select(n => $"<li><a href=\"{NotebookReport.Enc(n)}.html\">{NotebookReport.Enc(n)}</a></li>"));
        var all = File.Exists(Path.Combine(_reports, ReportIndex.FileName)) ? $"<p><a href=\"{ReportIndex.FileName}\">All rendered reports</a> (as <code>report</code> last wrote them)</p>" : "";
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>report --watch</title><style>" + NotebookReport.Style +
               "</style></head><body><div class=\"wb-page\"><h1>Live notebooks</h1>" +
               (names.Count == 0 ? "<p>The first run has not finished yet; reload in a moment.</p>" : $"<ul>{items}</ul>") + all + "</div></body></html>";
    }

    /// <summary>The live page: the report plus a script that follows <c>/events</c> and swaps in new versions in place.</summary>
    internal static string WithLiveScript(string html, string name, string version)
    {
        var script = $"<div id=\"wb-live-status\">live</div><script id=\"wb-live-script\" data-name=\"{NotebookReport.Enc(name)}\" data-version=\"{version}\">{LiveScript}</script>\n";
        var end = html.LastIndexOf("</body>", StringComparison.Ordinal);
        return end < 0 ? html + script : html.Insert(end, script);
    }

    // Keeps the scroll position and the open code cells; runs the new outputs' scripts (charts); reloads only when
    // the new version needs plotly.js and the page has none yet.
    private const string LiveScript = """
(function () {
  var me = document.getElementById('wb-live-script');
  var name = me.dataset.name, version = me.dataset.version, loading = false, wanted = null;
  var status = document.getElementById('wb-live-status');
  document.documentElement.dataset.liveVersion = version;
  var saved = sessionStorage.getItem('wb-live-scroll:' + name);
  if (saved) { sessionStorage.removeItem('wb-live-scroll:' + name); window.scrollTo(0, +saved); }
  function show(text) { status.textContent = text; }
  function load() {
    if (loading) return; loading = true; wanted = null;
    fetch(location.pathname, { cache: 'no-store' }).then(function (r) { return r.text(); }).then(function (text) {
      var doc = new DOMParser().parseFromString(text, 'text/html');
      var fresh = doc.querySelector('.wb-page'), page = document.querySelector('.wb-page');
      var next = doc.getElementById('wb-live-script');
      if (!window.Plotly && text.indexOf('Plotly.newPlot') >= 0) {
        sessionStorage.setItem('wb-live-scroll:' + name, String(window.scrollY)); location.reload(); return;
      }
      var y = window.scrollY;
      var open = Array.prototype.map.call(page.querySelectorAll('section[id] > details[open]'), function (d) { return d.parentElement.id; });
      page.innerHTML = fresh.innerHTML;
      open.forEach(function (id) { var d = document.querySelector('#' + id + ' > details'); if (d) d.open = true; });
      page.querySelectorAll('script').forEach(function (old) {
        var s = document.createElement('script'); s.textContent = old.textContent; old.replaceWith(s);
      });
      document.title = doc.title;
      version = next ? next.dataset.version : version;
      document.documentElement.dataset.liveVersion = version;
      window.scrollTo(0, y);
      show('live · updated ' + new Date().toLocaleTimeString());
    }).catch(function (e) { show('live · update failed: ' + e); }).finally(function () {
      loading = false; if (wanted && wanted !== version) load();
    });
  }
  var events = new EventSource('/events');
  events.addEventListener('update', function (e) {
    var d = JSON.parse(e.data);
    if (d.name !== name || d.version === version) return;
    wanted = d.version; load();
  });
  events.addEventListener('running', function (e) { if (JSON.parse(e.data).name === name) show('live · running…'); });
  events.onerror = function () { show('live · disconnected, retrying'); };
  events.onopen = function () { show('live'); };
})();
""";

    private static string ContentType(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css",
        ".js" => "text/javascript",
        ".png" => "image/png",
        ".svg" => "image/svg+xml",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };

    private static Task Send(HttpListenerResponse response, int status, string type, string body) =>
        Send(response, status, type, Encoding.UTF8.GetBytes(body));

    private static async Task Send(HttpListenerResponse response, int status, string type, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = type;
        response.Headers["Cache-Control"] = "no-store";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        foreach (var client in _clients.Keys) client.Writer.TryComplete();
        try { _listener.Stop(); } catch (ObjectDisposedException) { }
        Task[] pending;
        lock (_requests) pending = _requests.ToArray();
        if (_loop != null) pending = [.. pending, _loop];
        await Task.WhenAny(Task.WhenAll(pending), Task.Delay(TimeSpan.FromSeconds(3)));
        _listener.Close();
        _stop.Dispose();
    }
}
