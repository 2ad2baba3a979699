using Workbook.Make;
using Workbook.Products.Classification;
using Workbook.Reports;

namespace Workbook.Tests.Studies;

public class ClassifierTargetsTests
{
    [Fact]
    public void One_target_per_catalogue_reading_its_folder_and_writing_under_its_own_derived_folder()
    {
        var root = WorkbookPaths.Root();
        Assert.Equal(ClassifierTargets.TrainCaps.Keys.Select(c => $"classifier-study-{c}"), ClassifierTargets.All.Select(t => t.Name));
        foreach (var t in ClassifierTargets.All)
        {
            Assert.All(t.Inputs, i => Assert.True(Directory.Exists(Path.Combine(root, i)), $"{t.Name}: input {i} is missing"));
            Assert.All(t.Code, c => Assert.True(Path.Exists(Path.Combine(root, c)), $"{t.Name}: code {c} is missing"));
            Assert.All(t.Outputs, o => Assert.StartsWith($"data/derived/classifier/{t.Name["classifier-study-".Length..]}/", o));
        }
    }

    [Fact]
    public async Task Flipkart_study_writes_what_notebook_02_reads()
    {
        const string catalogue = "flipkart-1050";
        var target = ClassifierTargets.Study(catalogue, maxTrain: 100000, seed: 1);
        using var build = await TargetBuild.Run(target, WorkbookPaths.Root());
        string At(string file) => build.Path(ClassifierTargets.OutputPath(catalogue, file));

        var comparison = Artifact.Rows(At("comparison.json"));
        Assert.Equal([StudyResult.StarterName, "ML.NET L-BFGS maxent per node", "workbook"], comparison.Select(r => (string)r["Model"]!));
        var model = comparison[^1];
        Assert.All(comparison, r => Assert.Equal(catalogue, (string)r["Catalogue"]!));
        // 1,050 products split 80/10/10: about 840 train, 105 test.
        Assert.InRange((int)model["TrainProducts"]!, 800, 880);
        Assert.InRange((int)model["TestProducts"]!, 90, 120);
        // Every row trained on the same products; the model beats the starter and ML.NET's per-node trainer.
        Assert.All(comparison, r => Assert.Equal((int)model["TrainProducts"]!, (int)r["TrainProducts"]!));
        Assert.All(comparison.SkipLast(1), r => Assert.True((double)model["HierarchicalF1"]! > (double)r["HierarchicalF1"]!, $"the model should beat {r["Model"]}"));
        var table = Artifact.Table(comparison);
        Assert.Contains("ExactMatchLevel2", table.Columns);

        var report = Artifact.Read<ClassificationReport>(At("model-report.json"));
        Assert.Equal((double)model["HierarchicalF1"]!, report.HierarchicalF1);
        Assert.Equal([1, 2, 3], report.Levels.Select(l => l.Level));
        Assert.NotEmpty(report.PerLabel);

        var tuned = Artifact.Rows(At("tuned.json"));
        Assert.Equal(Enum.GetNames<ThresholdMetric>(), tuned.Select(r => (string)r["TunedFor"]!));
        // Tuned for hierarchical F1, the decoder is the trained model's own: same score.
        Assert.Equal(report.HierarchicalF1, (double)tuned[0]["HierarchicalF1"]!);

        var errors = Artifact.Rows(At("errors.json"));
        Assert.InRange(errors.Count, 1, 40);
        Assert.All(errors, e => Assert.Contains((string)e["Kind"]!,
            new[] { "right top level, wrong below", "wrong top level", "too shallow / missing path", "extra labels" }));
        Assert.Equal(errors.Select(e => (double)e["Confidence"]!).OrderDescending(), errors.Select(e => (double)e["Confidence"]!));
    }
}
