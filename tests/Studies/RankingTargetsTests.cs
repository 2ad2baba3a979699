using Workbook.Make;
using Workbook.Products.Ranking;
using Workbook.Reports;

namespace Workbook.Tests.Studies;

public class RankingTargetsTests
{
    [Fact]
    public void Targets_read_the_scoring_file_and_write_distinct_outputs_under_derived_ranking()
    {
        var root = WorkbookPaths.Root();
        var all = RankingTargets.All;
        Assert.Equal(all.Count, all.Select(t => t.Name).Distinct().Count());
        var outputs = all.SelectMany(t => t.Outputs).ToList();
        Assert.Equal(outputs.Count, outputs.Distinct().Count());
        Assert.All(outputs, o => Assert.StartsWith("data/derived/ranking/", o));
        Assert.All(all.SelectMany(t => t.Inputs), i => Assert.True(File.Exists(Path.Combine(root, i)), $"input {i} is missing"));
        Assert.All(all.SelectMany(t => t.Code), c => Assert.True(Directory.Exists(Path.Combine(root, c)), $"code {c} is missing"));
    }

    /// <summary>A workbook root holding only the first 2,000 products of the real file.</summary>
    private sealed class SmallRoot : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("ranking-root-").FullName;
        public int Products { get; }

        public SmallRoot()
        {
            var lines = File.ReadLines(System.IO.Path.Combine(WorkbookPaths.Root(), RankingTargets.Input)).Take(2001).ToList();
            Products = lines.Count - 1;
            var file = System.IO.Path.Combine(Path, RankingTargets.Input);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            File.WriteAllLines(file, lines);
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    private static readonly RankingStudySettings Small = new()
    {
        ReportSeeds = 2, DiagnosticSeeds = 2, K = 50,
        RankComparisonTop = 200,
    };

    private static Target Named(string name) => RankingTargets.Create(Small).Single(t => t.Name == name);

    private static string Out(TargetBuild build, string file) => build.Path(RankingTargets.OutputPath(file));

    [Fact]
    public async Task Data_profile_and_model_fit_read_back_as_notebook_03_shows_them()
    {
        using var root = new SmallRoot();
        using (var build = await TargetBuild.Run(Named("ranking-data-profile"), root.Path))
        {
            var profile = Artifact.Rows(Out(build, "profile.json"));
            Assert.Equal(["rows rejected by the loader", "0"], new[] { (string)profile[0]["Fact"]!, (string)profile[0]["Value"]! });
            Assert.Equal($"{root.Products:N0}", (string)profile.Single(r => (string)r["Fact"]! == "products")["Value"]!);
            var bands = Artifact.Rows(Out(build, "ctr-by-band.json"));
            Assert.InRange(bands.Count, 2, 7);
            Assert.All(bands, b => Assert.InRange((double)b["Ctr"]!, 0, 1));
            Assert.Equal(7, Artifact.Rows(Out(build, "click-counts.json")).Count); // 8 edges, 7 ranges
        }
        using (var build = await TargetBuild.Run(Named("ranking-model"), root.Path))
        {
            var priors = Artifact.Rows(Out(build, "band-priors.json"));
            Assert.Equal(new RankerOptions().ImpressionBands, priors.Count);
            Assert.All(priors, p => Assert.InRange((double)p["DudShare"]!, 0, 1));
            var summary = Artifact.Read<Dictionary<string, double>>(Out(build, "model-summary.json"));
            Assert.Equal(root.Products, summary["Products"]);
            Assert.Equal(50, summary["TopK"]);
            Assert.InRange(summary["SharedTopK"], 0, 50);
            Assert.True(summary["CategoryTau"] > 0);
            var pairs = Artifact.Rows(Out(build, "rank-pairs.json"));
            Assert.All(pairs, p => Assert.True((int)p["RawRank"]! <= 200 || (long)p["ModelRank"]! <= 200));
            Assert.NotEmpty(Artifact.Rows(Out(build, "category-levels.json")));
        }
    }

    [Fact]
    public async Task Evaluations_on_few_seeds_read_back_with_every_scorer_and_cut_off()
    {
        using var root = new SmallRoot();
        using (var build = await TargetBuild.Run(Named("ranking-evaluation"), root.Path))
        {
            var reports = Artifact.Read<List<EvaluationReport>>(Out(build, "evaluation.json"));
            Assert.Equal([50, int.MaxValue], reports.Select(r => r.K));
            var names = RankingTargets.EvaluatedScorers(new RankerOptions()).Select(s => s.Name).Append(RankingAnalysis.PreviousDefaultName).ToList();
            Assert.DoesNotContain(names, n => n.Contains("hot mixture (band)"));
            Assert.All(reports, r => Assert.Equal(names, r.Metrics.Select(m => m.Scorer)));
            Assert.All(reports[0].Metrics, m => Assert.Equal(2, m.NdcgBySeed.Count));
            Assert.Equal(reports[0].Metrics.Count, reports[0].Rows().Count);
            // Same data and seeds as a direct run: the artifact is the evaluation, not an approximation of it.
            var direct = OfflineEvaluation.Run(ProductScoringLoader.Load(Path.Combine(root.Path, RankingTargets.Input)).Products,
                [new RawCtrScorer()], OfflineEvaluation.Seeds(2), 50);
            Assert.Equal(direct.Metrics[0].NdcgBySeed, reports[0].Metrics.Single(m => m.Scorer == new RawCtrScorer().Name).NdcgBySeed);
        }
        using (var build = await TargetBuild.Run(Named("ranking-nonparametric"), root.Path))
        {
            var shapes = Artifact.Read<EvaluationReport>(Out(build, "nonparametric.json"));
            Assert.Equal(3, shapes.Metrics.Count);
            Assert.Equal(new RawCtrScorer().Name, shapes.Metrics[^1].Scorer);
        }
    }

    [Fact]
    public async Task Diagnostics_and_scores_file_read_back()
    {
        using var root = new SmallRoot();
        using (var build = await TargetBuild.Run(Named("ranking-calibration"), root.Path))
        {
            var cells = Artifact.Rows(Out(build, "calibration.json"));
            Assert.NotEmpty(cells);
            Assert.All(cells, c => Assert.InRange((double)c["HeldOutCtr"]!, 0, 1));
        }
        using (var build = await TargetBuild.Run(Named("ranking-top-disagreement"), root.Path))
        {
            var rows = Artifact.Rows(Out(build, "top-disagreement.json"));
            Assert.Equal(4, rows.Count);
            Assert.StartsWith("previous model", (string)rows[0]["OnlyIn"]!);
            Assert.StartsWith("default model", (string)rows[2]["OnlyIn"]!);
            // Each seed's two top 50s differ by as many products on either side.
            Assert.Equal((double)rows[2]["ProductsPerSeed"]!, (double)rows[3]["ProductsPerSeed"]!);
        }
        using (var build = await TargetBuild.Run(Named("ranking-scores"), root.Path))
        {
            var lines = File.ReadAllLines(Out(build, "scores.csv"));
            Assert.Equal(StreamingRanker.OutputHeader, lines[0]);
            Assert.Equal(root.Products, lines.Length - 1);
            Assert.Equal(Enumerable.Range(1, root.Products).Select(r => $"{r}"), lines.Skip(1).Select(l => l.Split(',')[3]));
            Assert.Single(File.ReadAllLines(Out(build, "scores.rejects.csv"))); // the header: no rejects
        }
    }
}
