using System.Text.Json;
using System.Text.Json.Nodes;
using Workbook.Reports;

namespace Workbook.AutoML;

/// <summary>
/// One kind of thing the engine can tune: how to build its trainable from what the store keeps (data path, task
/// options JSON), so that <c>automl resume</c> rebuilds exactly what <c>automl run</c> tuned, and how to put its
/// options in canonical form (so a resume compares equal JSON).
/// </summary>
public sealed record AutoMLTask(string Name, Func<string, string, ITrainable> Create, Func<string?, string> NormaliseOptions)
{
    /// <summary>
    /// True when the task's options have an integer <c>Threads</c> (threads per trial; 0 = every core), which a worker
    /// may override for itself: the classifier's results do not depend on it.
    /// </summary>
    public bool HasThreads { get; init; }

    /// <summary>A task whose options are the record <typeparamref name="TOptions"/> (null or missing JSON means its defaults).</summary>
    public static AutoMLTask WithOptions<TOptions>(string name, Func<string, TOptions, ITrainable> create) =>
        new(name,
            (data, json) => create(data, Parse<TOptions>(json)),
            json => JsonSerializer.Serialize(Parse<TOptions>(json)))
        {
            HasThreads = typeof(TOptions).GetProperty("Threads")?.PropertyType == typeof(int),
        };

    // "{}" gives the record's own defaults (System.Text.Json fills a constructor's optional parameters).
    private static T Parse<T>(string? json) =>
        JsonSerializer.Deserialize<T>(string.IsNullOrWhiteSpace(json) || json == "null" ? "{}" : json)
        ?? throw new ArgumentException($"Task options '{json}' are not a JSON object.");
}

/// <summary>
/// The tasks a host offers. The engine knows none of them by name: the library registers its own (<see cref="Standard"/>),
/// and hosts add theirs (the CLI adds the benchmarks' synthetic task).
/// </summary>
public sealed class AutoMLTasks
{
    private readonly Dictionary<string, AutoMLTask> _tasks = new(StringComparer.Ordinal);

    public AutoMLTasks(IEnumerable<AutoMLTask> tasks)
    {
        foreach (var t in tasks)
            if (!_tasks.TryAdd(t.Name, t)) throw new ArgumentException($"Task '{t.Name}' is registered twice.");
    }

    /// <summary>The library's own tasks: <c>classify</c> (the hierarchical classifier) and <c>rank</c> (the ranker).</summary>
    public static AutoMLTasks Standard { get; } = new([
        AutoMLTask.WithOptions<ClassifyTaskOptions>("classify", (data, o) => new ClassifierTrainable(data, o)),
        AutoMLTask.WithOptions<ClassifyCataloguesTaskOptions>("classify-catalogues", (data, o) => new CataloguesClassifierTrainable(data, o)),
        AutoMLTask.WithOptions<RankTaskOptions>("rank", (data, o) => new RankerTrainable(data, o)),
    ]);

    /// <summary>These tasks and <paramref name="more"/>.</summary>
    public AutoMLTasks With(params AutoMLTask[] more) => new(_tasks.Values.Concat(more));

    public IReadOnlyList<string> Names => _tasks.Keys.Order(StringComparer.Ordinal).ToList();

    public ITrainable Create(string task, string dataPath, string optionsJson) => Get(task).Create(dataPath, optionsJson);

    /// <summary>Whether <paramref name="task"/>'s options have threads per trial (<see cref="AutoMLTask.HasThreads"/>).</summary>
    public bool HasThreads(string task) => Get(task).HasThreads;

    /// <summary>
    /// <paramref name="json"/> with <c>Threads</c> set to <paramref name="threads"/>: what <c>automl worker --threads</c>
    /// runs its trials with, while the store keeps the experiment's own options.
    /// </summary>
    public string WithThreads(string task, string? json, int threads)
    {
        if (threads < 0) throw new ArgumentException($"Threads must be 0 (every core) or more, not {threads}.");
        if (!HasThreads(task))
            throw new ArgumentException($"Task '{task}' has no threads option; --threads applies to {string.Join(", ", _tasks.Values.Where(t => t.HasThreads).Select(t => t.Name).Order(StringComparer.Ordinal))}.");
        var options = JsonNode.Parse(NormaliseOptions(task, json))!.AsObject();
        options["Threads"] = threads;
        return NormaliseOptions(task, options.ToJsonString());
    }

    /// <summary>Task options in canonical form (parsed and re-serialised) so a resume compares equal JSON.</summary>
    public string NormaliseOptions(string task, string? json) => Get(task).NormaliseOptions(json);

    private AutoMLTask Get(string task) => _tasks.TryGetValue(task, out var t)
        ? t
        : throw new ArgumentException($"Unknown task '{task}'; expected one of {string.Join(", ", Names)}.");

    /// <summary>The commit this code runs from, marked when the checkout has uncommitted changes.</summary>
    public static string CodeVersion()
    {
        var (commit, dirty) = Provenance.GitState();
        return dirty ? commit + "+dirty" : commit;
    }

    /// <param name="constraints">Bounds the winning trial must meet (<see cref="ExperimentDefinition.Constraints"/>); checked here, stored in canonical form.</param>
    /// <exception cref="ArgumentException">The constraints are not <c>metric&gt;=number</c> parts.</exception>
    public static ExperimentDefinition Define(string name, ITrainable trainable, string dataPath, string optionsJson, string tuner, int seed,
        double budgetSeconds, int maxTrials, string constraints = "") =>
        new(name, trainable.Task, dataPath, optionsJson, trainable.Space.ToJson(), tuner, seed, budgetSeconds, maxTrials,
            trainable.DataHash, CodeVersion(), TrialConstraint.Normalise(constraints));
}
