using System.Text.Json;
using Workbook.Reports;

namespace Workbook.AutoML;

/// <summary>Writing the tuned model and its lineage so that a crash never leaves a half-written file.</summary>
public static class ModelFiles
{
    public static string DefaultModelPath(string experiment) => WorkbookPaths.Data("models", "automl", experiment + ".model");

    public static string LineagePath(string modelPath) => modelPath + ".lineage.json";

    /// <summary>Writes to a temp file beside <paramref name="path"/> and renames it into place.</summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + $".tmp-{Environment.ProcessId}";
        try
        {
            using (var stream = File.Create(temp)) write(stream);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

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
            best.Number, JsonDocument.Parse(best.ParamsJson).RootElement, best.Metrics!.Values.Append(new("objective", best.Metrics.Objective)).ToDictionary(),
            test, experiment.Definition.DataHash, experiment.Definition.CodeVersion, Provenance.Capture(), store.Path);
        WriteAtomically(LineagePath(modelPath), s => JsonSerializer.Serialize(s, lineage, new JsonSerializerOptions { WriteIndented = true }));
        store.SetModelPath(experiment.Id, modelPath);
        return lineage;
    }
}

/// <summary>Where a tuned model came from: enough to find its experiment and trial and to check its inputs.</summary>
public sealed record ModelLineage(
    string Experiment, string Task, string Tuner, int Seed, int Trial, JsonElement Parameters,
    IReadOnlyDictionary<string, double> ValidationMetrics, IReadOnlyDictionary<string, double> TestMetrics,
    string DataHash, string ExperimentCodeVersion, Provenance Provenance, string Store);
