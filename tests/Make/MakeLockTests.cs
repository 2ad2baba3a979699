using System.Diagnostics;
using Workbook.Make;

namespace Workbook.Tests.Make;

/// <summary>The make lock is a real flock on data/derived/.make.lock: a second taker waits, saying for whom.</summary>
public sealed class MakeLockTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wb-lock-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Only_one_holder_at_a_time()
    {
        using (var first = MakeLock.TryAcquire(_root))
        {
            Assert.NotNull(first);
            Assert.Null(MakeLock.TryAcquire(_root));
        }
        using var again = MakeLock.TryAcquire(_root);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task A_second_make_waits_for_the_first_and_says_who_holds_the_lock()
    {
        var holder = MakeLock.TryAcquire(_root)!;
        var messages = new List<string>();
        var clock = Stopwatch.StartNew();
        var waiting = MakeLock.AcquireAsync(_root, messages.Add, CancellationToken.None);
        await Task.Delay(600);
        Assert.False(waiting.IsCompleted);
        holder.Dispose();
        using var second = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(600));
        var message = Assert.Single(messages);
        Assert.Contains($"pid {Environment.ProcessId}", message);
        Assert.Contains(MakeLock.RepoPath, message);
    }

    [Fact]
    public async Task Waiting_can_be_cancelled()
    {
        using var holder = MakeLock.TryAcquire(_root)!;
        using var cancel = new CancellationTokenSource(300);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MakeLock.AcquireAsync(_root, null, cancel.Token));
    }

    [Fact]
    public async Task A_lock_held_by_another_process_blocks_until_that_process_dies()
    {
        // flock is released by the kernel when its holder dies, so a killed make never leaves a stale lock.
        var path = Path.Combine(_root, MakeLock.RepoPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var other = Process.Start(new ProcessStartInfo("flock", ["--exclusive", path, "sleep", "30"]) { UseShellExecute = false })!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            MakeLock? taken;
            while ((taken = MakeLock.TryAcquire(_root)) != null && DateTime.UtcNow < deadline)
            {
                taken.Dispose(); // flock(1) has not taken it yet
                await Task.Delay(50);
            }
            Assert.Null(taken);
            other.Kill(entireProcessTree: true); // flock(1)'s child, sleep, holds the lock too
            await other.WaitForExitAsync();
            using var after = await MakeLock.AcquireAsync(_root, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(after);
        }
        finally
        {
            if (!other.HasExited) other.Kill(entireProcessTree: true);
        }
    }
}
