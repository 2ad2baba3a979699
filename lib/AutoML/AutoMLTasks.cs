using System.Text.Json;
using Workbook.Reports;

namespace Workbook.AutoML;

/// <summary>
/// Builds the trainable of a task from what the store keeps (task name, data path, task options JSON), so that
/// <c>automl resume</c> rebuilds exactly what <c>automl run</c> tuned.
/// </summary>
public static class AutoMLTasks
{
    public static readonly string[] Names = ["classify", "rank", "synthetic"];

    public static ITrainable Create(string task, string dataPath, string optionsJson) => task switch
    {
        "synthetic" => new SyntheticTrainable(SyntheticTrainable.ParseOptions(optionsJson)),
        "classify" => new ClassifierTrainable(dataPath, JsonSerializer.Deserialize<ClassifyTaskOptions>(optionsJson)),
        "rank" => new RankerTrainable(dataPath, JsonSerializer.Deserialize<RankTaskOptions>(optionsJson)),
        _ => throw new ArgumentException($"Unknown task '{task}'; expected one of {string.Join(", ", Names)}."),
    };

    /// <summary>Task options in canonical form (parsed and re-serialised) so a resume compares equal JSON.</summary>
    public static string NormaliseOptions(string task, string? json) => task switch
    {
        "synthetic" => JsonSerializer.Serialize(json is null ? new SyntheticOptions() : SyntheticTrainable.ParseOptions(json)),
        "classify" => JsonSerializer.Serialize(json is null ? new ClassifyTaskOptions() : JsonSerializer.Deserialize<ClassifyTaskOptions>(json)),
        "rank" => JsonSerializer.Serialize(json is null ? new RankTaskOptions() : JsonSerializer.Deserialize<RankTaskOptions>(json)),
        _ => json ?? "{}",
    };

    /// <summary>The commit this code runs from, marked when the checkout has uncommitted changes.</summary>
    public static string CodeVersion()
    {
        var (commit, dirty) = Provenance.GitState();
        return dirty ? commit + "+dirty" : commit;
    }

    public static ExperimentDefinition Define(string name, ITrainable trainable, string dataPath, string optionsJson, string tuner, int seed,
        double budgetSeconds, int maxTrials) =>
        new(name, trainable.Task, dataPath, optionsJson, trainable.Space.ToJson(), tuner, seed, budgetSeconds, maxTrials,
            trainable.DataHash, CodeVersion());
}
