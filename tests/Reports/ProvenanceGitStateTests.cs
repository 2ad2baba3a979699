using System.Diagnostics;
using Workbook.Reports;

namespace Workbook.Tests.Reports;

public class ProvenanceGitStateTests : IDisposable
{
    private readonly string _repo = Path.Combine(Path.GetTempPath(), "wb-git-" + Guid.NewGuid().ToString("N")[..8]);

    public ProvenanceGitStateTests()
    {
        Directory.CreateDirectory(Path.Combine(_repo, "docs"));
        Directory.CreateDirectory(Path.Combine(_repo, "src"));
        File.WriteAllText(Path.Combine(_repo, "docs", "BENCHMARKS.md"), "v1\n");
        File.WriteAllText(Path.Combine(_repo, "src", "code.cs"), "v1\n");
        Git("init -q");
        Git("add -A");
        Git("-c user.email=t@t -c user.name=t commit -q -m init");
    }

    public void Dispose() => Directory.Delete(_repo, recursive: true);

    [Fact]
    public void A_change_to_the_excepted_file_alone_is_not_dirty_and_any_other_change_is_even_from_a_subfolder()
    {
        var doc = Path.Combine(_repo, "docs", "BENCHMARKS.md");
        Assert.False(Provenance.GitState(_repo).Dirty);
        File.WriteAllText(doc, "v2\n");
        Assert.True(Provenance.GitState(_repo).Dirty);
        Assert.False(Provenance.GitState(_repo, except: doc).Dirty);
        // Run from a folder beside the change: the whole checkout counts, not the current folder's subtree.
        File.WriteAllText(Path.Combine(_repo, "src", "code.cs"), "v2\n");
        Assert.True(Provenance.GitState(Path.Combine(_repo, "docs"), except: doc).Dirty);
    }

    private void Git(string args)
    {
        using var p = Process.Start(new ProcessStartInfo("git", args) { WorkingDirectory = _repo, RedirectStandardOutput = true, RedirectStandardError = true })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }
}
