namespace Workbook.Notebooks;

/// <summary>
/// The process's current directory, leased to notebook runs: cells read <c>"../data/..."</c> relative to their
/// notebook's folder, as in VS Code's kernel, and the current directory is process-wide. Runs in the same folder
/// share a lease (every notebook of <c>notebooks/</c> can run at once); a run in another folder waits until the
/// last holder leaves, and the directory before the first lease is restored after the last.
/// </summary>
internal static class WorkingFolder
{
    private static readonly object Gate = new();
    private static string? _folder;
    private static string? _previous;
    private static int _holders;
    private static TaskCompletionSource _free = NewSignal();

    public static async Task<IDisposable> EnterAsync(string folder, CancellationToken cancellationToken)
    {
        folder = Path.GetFullPath(folder);
        while (true)
        {
            Task free;
            lock (Gate)
            {
                if (_holders == 0)
                {
                    _previous = Directory.GetCurrentDirectory();
                    Directory.SetCurrentDirectory(folder);
                    _folder = folder;
                }
                if (_holders == 0 || string.Equals(_folder, folder, StringComparison.Ordinal))
                {
                    _holders++;
                    return new Lease();
                }
                free = _free.Task;
            }
            await free.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Lease : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            lock (Gate)
            {
                if (--_holders > 0) return;
                Directory.SetCurrentDirectory(_previous!);
                _folder = _previous = null;
                var free = _free;
                _free = NewSignal();
                free.SetResult();
            }
        }
    }
}
