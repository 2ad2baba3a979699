using Xunit.Abstractions;

namespace Workbook.Tests.Fuzz;

/// <summary>One fuzz case: its seeded Random, its number, a scratch folder, and what was done to its inputs.</summary>
internal sealed class FuzzCase(int number, Random rng, string folder)
{
    public int Number { get; } = number;
    public Random Rng { get; } = rng;
    public string Folder { get; } = folder;
    public List<string> Mutations { get; } = [];

    /// <summary><paramref name="input"/> through <see cref="HostileBytes.Mutate"/> (recorded), or unchanged one time in ten.</summary>
    public byte[] Mutate(byte[] input, string what)
    {
        if (Rng.Next(10) == 0)
        {
            Mutations.Add($"{what}: as is");
            return input;
        }
        var bytes = HostileBytes.Mutate(input, Rng, out var applied);
        Mutations.Add($"{what}: {applied}");
        return bytes;
    }

    public string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}

/// <summary>
/// Runs a fuzz family: N seeded cases (WORKBOOK_FUZZ_CASES, default 200 in CI; the benchmark sets 10000), each a body
/// that returns its outcome ("ok", "refused: ...") or throws. A throw is an invariant violation: a crash, an error type
/// the library does not document for that input, or a broken count. Violating cases keep their inputs under
/// $TMPDIR/workbook-fuzz-failures/&lt;family&gt;/&lt;case&gt; and are listed with their mutations; the outcome counts
/// go to the test output (and to WORKBOOK_FUZZ_LOG when set).
/// </summary>
internal sealed class FuzzCampaign(string family, ITestOutputHelper output)
{
    public static int Cases => Env("WORKBOOK_FUZZ_CASES", 200);
    public static int Seed => Env("WORKBOOK_FUZZ_SEED", 14);
    /// <summary>Real CLI processes per family (each costs a process start): WORKBOOK_FUZZ_CLI_CASES, default 2.</summary>
    public static int CliCases => Env("WORKBOOK_FUZZ_CLI_CASES", 2);

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var v) && v > 0 ? v : fallback;

    public void Run(int cases, Func<FuzzCase, string> body)
    {
        var root = Directory.CreateTempSubdirectory($"fuzz-{family}-").FullName;
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var violations = new List<string>();
        var salt = family.Aggregate(17, (h, c) => unchecked(h * 31 + c));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < cases; i++)
            {
                var folder = Path.Combine(root, "case");
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
                Directory.CreateDirectory(folder);
                var c = new FuzzCase(i, new Random(unchecked(Seed * 1_000_003 + i * 7919 + salt)), folder);
                try
                {
                    var outcome = body(c);
                    outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                }
                catch (Exception e)
                {
                    var kept = Path.Combine(Path.GetTempPath(), "workbook-fuzz-failures", family, $"seed{Seed}-case{i}");
                    CopyFolder(folder, kept);
                    violations.Add($"case {i} [{string.Join("; ", c.Mutations)}] -> {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")} (inputs kept in {kept})"
                                   + (e is FuzzViolation ? "" : $"\n{e.StackTrace}"));
                }
            }
        }
        finally { Directory.Delete(root, recursive: true); }

        var summary = $"fuzz {family}: {cases} cases (seed {Seed}) in {clock.Elapsed.TotalSeconds:0.0} s, {violations.Count} violations; " +
                      string.Join(", ", outcomes.Select(kv => $"{kv.Key} {kv.Value}"));
        output.WriteLine(summary);
        if (Environment.GetEnvironmentVariable("WORKBOOK_FUZZ_LOG") is { Length: > 0 } log) File.AppendAllText(log, summary + Environment.NewLine);
        Assert.True(violations.Count == 0, summary + "\n" + string.Join("\n", violations.Take(15)));
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
    }
}

/// <summary>A broken invariant found by a fuzz case (as opposed to an exception the code under test threw).</summary>
internal sealed class FuzzViolation(string message) : Exception(message);
