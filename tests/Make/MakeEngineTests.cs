using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Workbook.Dag;
using Workbook.Make;

namespace Workbook.Tests.Make;

/// <summary>
/// The DAG engine on a real folder: a raw input, a source file and targets that write files. Each test starts from
/// nothing built and changes one thing at a time.
/// </summary>
public sealed class MakeEngineTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wb-make-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ConcurrentQueue<string> _built = new();
    private string _parameter = "1";
    private Func<TargetContext, Task>? _failB;

    public MakeEngineTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data", "raw"));
        Directory.CreateDirectory(Path.Combine(_root, "src"));
        File.WriteAllText(Path.Combine(_root, "data", "raw", "numbers.txt"), "1\n2\n3\n");
        File.WriteAllText(Path.Combine(_root, "src", "Sum.cs"), "// sums the numbers\n");
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private const string SumOut = "data/derived/sum.txt";
    private const string DoubleOut = "data/derived/twice/double.txt";

    /// <summary>a: sums the raw numbers times a parameter; b: doubles a's result (its output is a folder).</summary>
    private IReadOnlyList<Target> Catalog() =>
    [
        new Target("sum", "sum the numbers", ["data/raw"], [], new Dictionary<string, string> { ["factor"] = _parameter }, ["src/Sum.cs"], [SumOut],
            async (context, ct) =>
            {
                _built.Enqueue("sum:start");
                await Task.Delay(100, ct);
                var sum = File.ReadAllLines(context.Input("data/raw/numbers.txt")).Sum(int.Parse) * int.Parse(_parameter);
                File.WriteAllText(context.Output(SumOut), sum.ToString());
                _built.Enqueue("sum:end");
            }),
        new Target("double", "double the sum", [], ["sum"], new Dictionary<string, string>(), ["src"], ["data/derived/twice"],
            async (context, ct) =>
            {
                _built.Enqueue("double:start");
                File.WriteAllText(context.Output(DoubleOut), (2 * int.Parse(File.ReadAllText(context.Input(SumOut)))).ToString());
                if (_failB != null) await _failB(context);
                _built.Enqueue("double:end");
            }),
    ];

    private MakeEngine Engine() => new(_root, Catalog(), NullLogger.Instance);

    private async Task<IReadOnlyList<TargetOutcome>> Make(bool force = false, params string[] targets)
    {
        var engine = Engine();
        return await engine.BuildAsync(engine.Plan(targets, force));
    }

    private IReadOnlyList<string> Reasons(string target) => Engine().Plan([]).Targets.Single(t => t.Target.Name == target).Reasons;

    private string Read(string repoRelative) => File.ReadAllText(Path.Combine(_root, repoRelative));

    [Fact]
    public async Task A_fresh_workbook_builds_everything_once_dependencies_first_then_nothing_is_stale()
    {
        Assert.Equal(["never built"], Reasons("sum"));
        Assert.Contains("dependency sum rebuilds", Reasons("double"));

        var outcomes = await Make();
        Assert.All(outcomes, o => Assert.Equal(TaskOutcome.Succeeded, o.Outcome));
        Assert.Equal(["sum:start", "sum:end", "double:start", "double:end"], _built);
        Assert.Equal("6", Read(SumOut));
        Assert.Equal("12", Read(DoubleOut));

        Assert.Empty(Engine().Plan([]).Stale);
        Assert.Empty(await Make());
        Assert.Equal(4, _built.Count);
    }

    [Fact]
    public async Task A_changed_input_makes_the_target_and_its_dependents_stale_with_the_reason()
    {
        await Make();
        File.AppendAllText(Path.Combine(_root, "data", "raw", "numbers.txt"), "4\n");
        Assert.Contains(Reasons("sum"), r => r.StartsWith("input data/raw changed (", StringComparison.Ordinal));
        Assert.Contains("dependency sum rebuilds", Reasons("double"));
        await Make();
        Assert.Equal("20", Read(DoubleOut));
    }

    [Fact]
    public async Task A_changed_parameter_is_named_with_its_old_and_new_value()
    {
        await Make();
        _parameter = "2";
        Assert.Equal(["parameter factor changed (1 -> 2)"], Reasons("sum"));
        await Make();
        Assert.Equal("12", Read(SumOut));
    }

    [Fact]
    public async Task Changed_code_makes_every_target_that_declares_it_stale()
    {
        await Make();
        File.AppendAllText(Path.Combine(_root, "src", "Sum.cs"), "// now with a comment\n");
        Assert.Contains(Reasons("sum"), r => r.StartsWith("code src/Sum.cs changed", StringComparison.Ordinal));
        Assert.Contains(Reasons("double"), r => r.StartsWith("code src changed", StringComparison.Ordinal));
        // A new file in a declared code folder counts too.
        await Make();
        File.WriteAllText(Path.Combine(_root, "src", "Other.cs"), "// more\n");
        Assert.Empty(Reasons("sum"));
        Assert.Contains(Reasons("double"), r => r.StartsWith("code src changed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_or_modified_output_is_stale()
    {
        await Make();
        File.WriteAllText(Path.Combine(_root, SumOut), "999");
        Assert.Equal([$"output {SumOut} was modified after it was built"], Reasons("sum"));
        File.Delete(Path.Combine(_root, DoubleOut));
        Assert.Contains("output data/derived/twice was modified after it was built", Reasons("double"));
        Directory.Delete(Path.Combine(_root, "data/derived/twice"));
        Assert.Contains("output data/derived/twice is missing", Reasons("double"));
        await Make();
        Assert.Equal("6", Read(SumOut));
        Assert.Equal("12", Read(DoubleOut));
    }

    [Fact]
    public async Task A_dependency_rebuilt_alone_makes_its_dependents_stale_later()
    {
        await Make();
        _parameter = "3";
        await Make(false, "sum");
        Assert.Equal(["dependency sum's outputs changed since this target was built"], Reasons("double"));
        await Make();
        Assert.Equal("36", Read(DoubleOut));
    }

    [Fact]
    public async Task Force_rebuilds_up_to_date_targets()
    {
        await Make();
        Assert.Equal(["forced (--force)"], Engine().Plan(["sum"], force: true).Targets.Single().Reasons);
        Assert.Single(await Make(true, "sum"));
    }

    [Fact]
    public async Task A_target_that_throws_leaves_its_previous_outputs_and_manifest_entry()
    {
        await Make();
        var entry = Engine().Manifest["double"];
        _parameter = "2";
        _failB = _ => throw new InvalidOperationException("boom");

        var outcomes = (await Make()).ToDictionary(o => o.Target);
        Assert.Equal(TaskOutcome.Succeeded, outcomes["sum"].Outcome);
        Assert.Equal(TaskOutcome.Failed, outcomes["double"].Outcome);
        Assert.Contains("boom", outcomes["double"].Error);
        Assert.Equal("12", Read(DoubleOut)); // its new output (24) was staged, never published
        var kept = Engine().Manifest["double"]!;
        Assert.Equal((entry!.Key, entry.BuiltUtc), (kept.Key, kept.BuiltUtc));
        Assert.Equal(entry.Outputs, kept.Outputs);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root, MakeEngine.StagingFolder)));
        Assert.Contains("dependency sum's outputs changed since this target was built", Reasons("double"));

        _failB = null;
        await Make();
        Assert.Equal("24", Read(DoubleOut));
    }

    [Fact]
    public async Task A_failed_dependency_skips_its_dependents()
    {
        var catalog = Catalog().ToList();
        catalog[0] = catalog[0] with { Build = (_, _) => throw new IOException("disk full") };
        var engine = new MakeEngine(_root, catalog, NullLogger.Instance);
        var outcomes = (await engine.BuildAsync(engine.Plan([]))).ToDictionary(o => o.Target);
        Assert.Equal(TaskOutcome.Failed, outcomes["sum"].Outcome);
        Assert.Equal(TaskOutcome.Skipped, outcomes["double"].Outcome);
        Assert.Null(engine.Manifest["sum"]);
        Assert.False(File.Exists(Path.Combine(_root, SumOut)));
    }

    [Fact]
    public async Task A_target_must_write_exactly_its_declared_outputs()
    {
        var catalog = Catalog().ToList();
        catalog[0] = catalog[0] with { Build = (_, _) => Task.CompletedTask };
        var engine = new MakeEngine(_root, catalog, NullLogger.Instance);
        var missing = (await engine.BuildAsync(engine.Plan(["sum"]))).Single();
        Assert.Contains($"did not write its output {SumOut}", missing.Error);

        catalog[0] = catalog[0] with
        {
            Build = (context, _) =>
            {
                File.WriteAllText(context.Output(SumOut), "6");
                File.WriteAllText(context.Output("data/derived/stray.txt"), "?");
                return Task.CompletedTask;
            },
        };
        engine = new MakeEngine(_root, catalog, NullLogger.Instance);
        var stray = (await engine.BuildAsync(engine.Plan(["sum"]))).Single();
        Assert.Contains("data/derived/stray.txt, which is not among its outputs", stray.Error);
        Assert.False(File.Exists(Path.Combine(_root, SumOut)));
    }

    [Fact]
    public void Bad_catalogs_are_refused_naming_the_target_and_field()
    {
        var good = Catalog();
        Assert.Contains("both write", Assert.Throws<MakeException>(() =>
            new MakeEngine(_root, [good[0], good[1] with { Name = "other", Outputs = [SumOut] }], NullLogger.Instance)).Message);
        Assert.Contains("under data/derived/", Assert.Throws<MakeException>(() =>
            new MakeEngine(_root, [good[0] with { Outputs = ["data/raw/x.txt"] }], NullLogger.Instance)).Message);
        Assert.Contains("DependsOn", Assert.Throws<MakeException>(() =>
            new MakeEngine(_root, [good[0] with { Inputs = [SumOut] }], NullLogger.Instance)).Message);
        Assert.Contains("unknown task", Assert.Throws<MakeException>(() =>
            new MakeEngine(_root, [good[1]], NullLogger.Instance)).Message);
        Assert.Contains("unknown target nope", Assert.Throws<MakeException>(() => Engine().Plan(["nope"])).Message);
        Assert.Contains("input data/gone does not exist", Assert.Throws<MakeException>(() =>
            new MakeEngine(_root, [good[0] with { Inputs = ["data/gone"] }], NullLogger.Instance).Plan([])).Message);
    }

    [Fact]
    public async Task The_manifest_records_provenance_and_the_paths_map_back_to_targets()
    {
        await Make();
        var entry = Engine().Manifest["sum"]!;
        Assert.Equal("1", entry.Fingerprint.Parameters["factor"]);
        Assert.Equal(64, entry.Fingerprint.Inputs["data/raw"].Length);
        Assert.Equal(64, entry.Outputs[SumOut].Length);
        Assert.False(string.IsNullOrEmpty(entry.Commit));
        Assert.Equal(["double"], Engine().TargetsWriting("data/derived/twice/double.txt"));
        Assert.Equal(["sum", "double"], Engine().TargetsWriting("data/derived"));
    }

    [Fact]
    public async Task An_output_the_target_no_longer_declares_is_removed_when_it_rebuilds()
    {
        await Make();
        var catalog = Catalog().ToList();
        catalog[0] = catalog[0] with
        {
            Outputs = ["data/derived/total.txt"],
            Build = (context, _) =>
            {
                File.WriteAllText(context.Output("data/derived/total.txt"), "6");
                return Task.CompletedTask;
            },
        };
        var engine = new MakeEngine(_root, catalog, NullLogger.Instance);
        var plan = engine.Plan(["sum"]);
        Assert.Contains("output data/derived/total.txt is missing", plan.Targets.Single().Reasons);
        await engine.BuildAsync(plan);
        Assert.False(File.Exists(Path.Combine(_root, SumOut)));
        Assert.Equal("6", Read("data/derived/total.txt"));
    }
}
