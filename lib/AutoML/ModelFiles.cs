using System.Text.Json;
using Workbook.Reports;

namespace Workbook.AutoML;

/// <summary>The tuned model's file and its lineage beside it (both written atomically).</summary>
public static class ModelFiles
{
    public static string DefaultModelPath(string experiment) => WorkbookPaths.Data("models", "automl", experiment + ".model");

    public static string LineagePath(string modelPath) => modelPath + ".lineage.json";

    /// <summary>
    /// Refits the best trial's configuration on all training data, saves the model, and writes its lineage
    /// (experiment, trial, parameters, metrics, data hash, commit, input file hashes) next to it.
    /// </summary>
    public static ModelLineage RefitBest(ExperimentStore store, string experimentName, ITrainable trainable, string? modelPath = null,
        CancellationToken cancellation = default)
    {
        var experiment = store.Get(experimentName);
        var best = Leaderboard.Best(store.Trials(experiment.Id))
                   ?? throw new InvalidOperationException($"Experiment '{experimentName}' has no completed trial to refit.");
        modelPath = Path.GetFullPath(modelPath ?? DefaultModelPath(experimentName));
        var parameters = trainable.Space.Parse(best.ParamsJson);
        var test = trainable.FitFinalAndSave(parameters, modelPath, cancellation);
        var lineage = new ModelLineage(experimentName, experiment.Definition.Task, experiment.Definition.Tuner, experiment.Definition.Seed,
            best.Number, JsonDocument.Parse(best.ParamsJson).RootElement, Flatten(best.Metrics!), Flatten(test), experiment.Definition.DataHash, experiment.Definition.CodeVersion, Provenance.Capture(), store.Path);
        AtomicFile.WriteAllText(LineagePath(modelPath), JsonSerializer.Serialize(lineage, new JsonSerializerOptions { WriteIndented = true }));
        store.SetModelPath(experiment.Id, modelPath);
        return lineage;
    }

    private static Dictionary<string, double> Flatten(TrialMetrics m) =>
        m.Values.Append(new KeyValuePair<string, double>("objective", m.Objective)).ToDictionary();
}

/// <summary>Where a tuned model came from: enough to find its experiment and trial and to check its inputs.</summary>
public sealed record ModelLineage(
    string Experiment, string Task, string Tuner, int Seed, int Trial, JsonElement Parameters,
    IReadOnlyDictionary<string, double> ValidationMetrics, IReadOnlyDictionary<string, double> TestMetrics,
    string DataHash, string ExperimentCodeVersion, Provenance Provenance, string Store);
