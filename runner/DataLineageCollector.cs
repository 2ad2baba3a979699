using System.Collections.Concurrent;
using System.Diagnostics;

namespace Workbook.Notebooks;

/// <summary>
/// Collects the data files a notebook run reads: the library announces each file its loaders open on the
/// <see cref="DiagnosticListener"/> "Workbook.DataLineage" (event "Read", payload the full path), and this records
/// it in every collector open in the reading async flow. Scoped with an <see cref="AsyncLocal{T}"/>, so two runs in
/// one process (concurrent reports, tests) each see only their own reads.
/// </summary>
internal sealed class DataLineageCollector : IDisposable
{
    // The library's contract (lib/Reports/DataLineage.cs); the runner sees only its public surface, so the names are repeated.
    private const string ListenerName = "Workbook.DataLineage";
    private const string ReadEvent = "Read";

    private static readonly AsyncLocal<DataLineageCollector?> Current = new();
    private static readonly Lazy<IDisposable> Subscription = new(() => DiagnosticListener.AllListeners.Subscribe(new ListenerObserver()));

    private readonly ConcurrentDictionary<string, byte> _files = new(StringComparer.Ordinal);
    private readonly DataLineageCollector? _parent;

    private DataLineageCollector(DataLineageCollector? parent) => _parent = parent;

    /// <summary>Starts collecting the files the current async flow reads, until disposed.</summary>
    public static DataLineageCollector Begin()
    {
        _ = Subscription.Value;
        var collector = new DataLineageCollector(Current.Value);
        Current.Value = collector;
        return collector;
    }

    /// <summary>The files read so far, sorted.</summary>
    public IReadOnlyList<string> Files => _files.Keys.Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        if (Current.Value == this) Current.Value = _parent;
    }

    private static void Read(string path)
    {
        for (var c = Current.Value; c != null; c = c._parent) c._files.TryAdd(path, 0);
    }

    private sealed class ListenerObserver : IObserver<DiagnosticListener>
    {
        public void OnNext(DiagnosticListener listener)
        {
            // Enabled only inside a collector's flow, so reads outside a run cost the library one check.
            if (listener.Name == ListenerName)
                listener.Subscribe(new EventObserver(), (name, _, _) => name == ReadEvent && Current.Value != null);
        }

        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }

    private sealed class EventObserver : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> e)
        {
            if (e.Key == ReadEvent && e.Value is string path) Read(path);
        }

        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }
}
