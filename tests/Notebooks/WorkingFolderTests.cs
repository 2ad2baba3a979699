using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

[Collection(NotebookRuns.Name)]
public sealed class WorkingFolderTests : IDisposable
{
    private readonly string _a = Directory.CreateTempSubdirectory("wb-folder-a-").FullName;
    private readonly string _b = Directory.CreateTempSubdirectory("wb-folder-b-").FullName;

    public void Dispose()
    {
        Directory.Delete(_a, true);
        Directory.Delete(_b, true);
    }

    [Fact]
    public async Task Runs_in_one_folder_share_it_and_a_run_in_another_waits_for_the_last_of_them()
    {
        var first = await WorkingFolder.EnterAsync(_a, CancellationToken.None);
        var second = await WorkingFolder.EnterAsync(_a, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(_a, Directory.GetCurrentDirectory());

        var other = WorkingFolder.EnterAsync(_b, CancellationToken.None);
        await Task.Delay(200);
        Assert.False(other.IsCompleted, "a run in another folder must wait while the folder is leased");
        first.Dispose();
        first.Dispose(); // a second dispose releases nothing more
        await Task.Delay(200);
        Assert.False(other.IsCompleted, "one holder is left");
        Assert.Equal(_a, Directory.GetCurrentDirectory());

        second.Dispose();
        using (await other.WaitAsync(TimeSpan.FromSeconds(5)))
            Assert.Equal(_b, Directory.GetCurrentDirectory());
    }

    [Fact]
    public async Task A_cancelled_wait_takes_no_lease()
    {
        using var held = await WorkingFolder.EnterAsync(_a, CancellationToken.None);
        using var cancel = new CancellationTokenSource(100);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => WorkingFolder.EnterAsync(_b, cancel.Token));
        Assert.Equal(_a, Directory.GetCurrentDirectory());
    }
}
