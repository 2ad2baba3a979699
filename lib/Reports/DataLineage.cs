using System.Collections.Concurrent;

namespace Workbook.Reports;

/// <summary>
/// The data files a run has read. Every loader in the lib calls <see cref="Record"/> when it opens an input, so a
/// report can list the SHA-256 of exactly what it used without the notebook author listing files by hand.
/// Records go to the innermost <see cref="BeginScope"/> of the current async flow (one per notebook run, so
/// concurrent runs do not mix), and always to the process-wide list.
/// </summary>
public static class DataLineage
{
    private static readonly ConcurrentDictionary<string, byte> Process = new(StringComparer.Ordinal);
    private static readonly AsyncLocal<Scope?> Current = new();

    /// <summary>Notes that <paramref name="path"/> was read (idempotent; the path is made absolute).</summary>
    public static void Record(string path)
    {
        var full = Path.GetFullPath(path);
        Process.TryAdd(full, 0);
        for (var s = Current.Value; s != null; s = s.Parent)
            s.Add(full);
    }

    /// <summary>Every file recorded in this process, sorted.</summary>
    public static IReadOnlyList<string> Recorded() => Process.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The files read by the current flow: its innermost scope's, or the whole process's outside any scope.</summary>
    public static IReadOnlyList<string> ReadSoFar() => Current.Value?.Files ?? Recorded();

    /// <summary>Starts collecting the files read by the current async flow until the scope is disposed.</summary>
    public static Scope BeginScope()
    {
        var scope = new Scope(Current.Value);
        Current.Value = scope;
        return scope;
    }

    public sealed class Scope : IDisposable
    {
        private readonly ConcurrentDictionary<string, byte> _files = new(StringComparer.Ordinal);
        internal Scope? Parent { get; }
        internal Scope(Scope? parent) => Parent = parent;
        internal void Add(string path) => _files.TryAdd(path, 0);

        /// <summary>The files recorded in this scope, sorted.</summary>
        public IReadOnlyList<string> Files => _files.Keys.Order(StringComparer.Ordinal).ToList();

        public void Dispose()
        {
            if (Current.Value == this) Current.Value = Parent;
        }
    }
}
