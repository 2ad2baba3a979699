using Workbook.Products;
using Workbook.Products.Classification;

namespace Workbook.Tests.Products;

public class DecodingSampleTests
{
    // A beam as the classifier explores one: level-1 labels, then some children of some of them, parents first;
    // probabilities often exactly on a threshold grid value, so ">=" ties are exercised.
    private static Candidate[] Beam(LabelTree tree, Random rng)
    {
        float P() => rng.Next(3) == 0 ? rng.Next(1, 20) * 0.05f : (float)rng.NextDouble();
        var list = new List<Candidate>();
        var frontier = tree.Roots.OrderBy(_ => rng.Next()).Take(rng.Next(1, 4)).Select(l => (Label: l, Joint: 1f)).ToList();
        while (frontier.Count > 0)
        {
            var next = new List<(int, float)>();
            foreach (var (label, parentJoint) in frontier)
            {
                var conditional = P();
                list.Add(new Candidate(label, parentJoint * conditional, conditional));
                if (rng.Next(4) > 0)
                    next.AddRange(tree.Children(label).OrderBy(_ => rng.Next()).Take(rng.Next(0, 3)).Select(c => (c, parentJoint * conditional)));
            }
            frontier = next;
        }
        return list.ToArray();
    }

    private static IReadOnlySet<int> Gold(LabelTree tree, Random rng)
    {
        var label = tree.Roots[rng.Next(tree.Roots.Count)];
        var depth = rng.Next(1, tree.Depth + 1);
        for (var d = 1; d < depth && tree.Children(label).Count > 0; d++) label = tree.Children(label)[rng.Next(tree.Children(label).Count)];
        return tree.Closure([label]).ToHashSet();
    }

    [Theory]
    [InlineData("cdiscount", false)]
    [InlineData("cdiscount", true)]
    [InlineData("germeval-blurbs", false)]
    [InlineData("germeval-blurbs", true)]
    public void Decoding_a_sample_counts_what_the_hash_set_decoder_builds(string catalogue, bool pathBySum)
    {
        var tree = LabelTree.Load(Path.Combine(ProductTestData.Folder(catalogue), "label_info.csv"));
        var rng = new Random(11);
        var candidates = Enumerable.Range(0, 400).Select(_ => Beam(tree, rng)).ToArray();
        var gold = candidates.Select(_ => Gold(tree, rng)).ToArray();
        var paths = candidates.Select(c => pathBySum ? HierarchicalDecoder.SumPath(tree, c) : HierarchicalDecoder.GreedyPath(tree, c)).ToArray();
        var thresholds = HierarchicalDecoder.Default(tree.Depth).LevelThresholds.Count;
        // One sample per product, so each product's counts are checked, not only the sums.
        var samples = candidates.Select((c, i) => new DecodingSample(tree, [c], [paths[i]], [gold[i]], thresholds)).ToArray();
        var set = new HashSet<int>();
        var grid = new[] { 0f, 0.05f, 0.1f, 0.3f, 0.5f, 0.55f, 0.9f, 1.01f };
        for (var trial = 0; trial < 60; trial++)
        {
            var decoder = new HierarchicalDecoder(Enumerable.Range(0, thresholds).Select(_ => grid[rng.Next(grid.Length)]).ToArray(),
                grid[rng.Next(grid.Length)], pathBySum);
            for (var i = 0; i < candidates.Length; i++)
            {
                decoder.DecodeInto(tree, candidates[i], paths[i], set);
                var expected = (set.Count, set.Count(gold[i].Contains), gold[i].Count);
                var t = samples[i].Sweep(0, decoder.LevelThresholds, decoder.DescendThreshold, [decoder.LevelThresholds[0]], threads: 1)[0];
                Assert.Equal(expected, ((int)t.Predicted, (int)t.Tp, (int)t.Actual));
            }
        }
    }

    // What the production decoder's hash sets decode with these thresholds, summed over the products.
    private static DecodingSample.Totals HashSetTotals(LabelTree tree, Candidate[][] candidates, (int, float)[][] paths, IReadOnlySet<int>[] gold,
        float[] thresholds, float descend)
    {
        var decoder = new HierarchicalDecoder(thresholds, descend);
        var set = new HashSet<int>();
        var totals = new DecodingSample.Totals();
        for (var i = 0; i < candidates.Length; i++)
        {
            decoder.DecodeInto(tree, candidates[i], paths[i], set);
            totals.Add(set.Count, set.Count(gold[i].Contains), gold[i].Count);
        }
        return totals;
    }

    private static readonly float[] Grid = [0.05f, 0.1f, 0.15f, 0.2f, 0.25f, 0.3f, 0.35f, 0.4f, 0.45f, 0.5f, 0.55f, 0.6f, 0.65f, 0.7f, 0.8f, 0.9f, 1.01f];
    private static readonly float[] DescendGrid = [0f, 0.05f, 0.1f, 0.15f, 0.2f, 0.25f, 0.3f, 0.35f, 0.4f, 0.45f, 0.5f, 0.6f, 0.7f];

    // The search as it was before sweeps: every value of every coordinate decodes every product again.
    private static (HierarchicalDecoder Decoder, double Score) ReferenceTune(LabelTree tree, Candidate[][] candidates, IReadOnlySet<int>[] gold,
        ThresholdMetric metric, bool pathBySum)
    {
        var paths = candidates.Select(c => pathBySum ? HierarchicalDecoder.SumPath(tree, c) : HierarchicalDecoder.GreedyPath(tree, c)).ToArray();
        double Score(float[] t, float d)
        {
            var totals = HashSetTotals(tree, candidates, paths, gold, t, d);
            return metric switch
            {
                ThresholdMetric.SamplesF1 => totals.Samples / candidates.Length,
                ThresholdMetric.ExactMatch => totals.Exact / (double)candidates.Length,
                _ => totals.Predicted + totals.Actual == 0 ? 0 : 2.0 * totals.Tp / (totals.Predicted + totals.Actual),
            };
        }
        var thresholds = Enumerable.Repeat(0.5f, tree.Depth).ToArray();
        var descend = 0.3f;
        var best = Score(thresholds, descend);
        for (var round = 0; round < 2; round++)
        {
            for (var level = 0; level < thresholds.Length; level++)
                foreach (var t in Grid)
                {
                    var trial = (float[])thresholds.Clone();
                    trial[level] = t;
                    var s = Score(trial, descend);
                    if (s > best + 1e-12) { best = s; thresholds = trial; }
                }
            foreach (var d in DescendGrid)
            {
                var s = Score(thresholds, d);
                if (s > best + 1e-12) { best = s; descend = d; }
            }
        }
        return (new HierarchicalDecoder(thresholds, descend, pathBySum), best);
    }

    [Theory]
    [InlineData("cdiscount")]
    [InlineData("germeval-blurbs")]
    public void The_sweeping_search_picks_the_decoder_the_value_by_value_search_picks(string catalogue)
    {
        var tree = LabelTree.Load(Path.Combine(ProductTestData.Folder(catalogue), "label_info.csv"));
        for (var seed = 0; seed < 3; seed++)
        {
            var rng = new Random(100 + seed);
            var candidates = Enumerable.Range(0, 700).Select(_ => Beam(tree, rng)).ToArray();
            var gold = candidates.Select(_ => Gold(tree, rng)).ToArray();
            foreach (var metric in Enum.GetValues<ThresholdMetric>())
            {
                var greedy = ReferenceTune(tree, candidates, gold, metric, false);
                var bySum = ReferenceTune(tree, candidates, gold, metric, true);
                var expected = bySum.Score > greedy.Score + 1e-12 ? bySum.Decoder : greedy.Decoder;
                var actual = HierarchicalDecoder.Tune(tree, candidates, gold, metric, threads: 2);
                Assert.Equal(expected.LevelThresholds, actual.LevelThresholds);
                Assert.Equal(expected.DescendThreshold, actual.DescendThreshold);
                Assert.Equal(expected.PathBySum, actual.PathBySum);
            }
        }
    }

    [Fact]
    public void A_sweep_gives_for_each_value_the_totals_of_decoding_with_it()
    {
        var tree = LabelTree.Load(Path.Combine(ProductTestData.Folder("cdiscount"), "label_info.csv"));
        var rng = new Random(5);
        var candidates = Enumerable.Range(0, 600).Select(_ => Beam(tree, rng)).ToArray();
        var gold = candidates.Select(_ => Gold(tree, rng)).ToArray();
        var paths = candidates.Select(c => HierarchicalDecoder.SumPath(tree, c)).ToArray();
        var sample = new DecodingSample(tree, candidates, paths, gold, tree.Depth);
        for (var trial = 0; trial < 10; trial++)
        {
            var thresholds = Enumerable.Range(0, tree.Depth).Select(_ => Grid[rng.Next(Grid.Length)]).ToArray();
            var descend = DescendGrid[rng.Next(DescendGrid.Length)];
            for (var level = -1; level < tree.Depth; level++)
            {
                var values = level < 0 ? DescendGrid : Grid;
                var swept = sample.Sweep(level, thresholds, descend, values, threads: 3);
                for (var v = 0; v < values.Length; v++)
                {
                    var t = (float[])thresholds.Clone();
                    var d = descend;
                    if (level < 0) d = values[v]; else t[level] = values[v];
                    var expected = HashSetTotals(tree, candidates, paths, gold, t, d);
                    Assert.Equal((expected.Tp, expected.Predicted, expected.Actual, expected.Exact), (swept[v].Tp, swept[v].Predicted, swept[v].Actual, swept[v].Exact));
                    Assert.Equal(expected.Samples, swept[v].Samples, 1e-9);
                }
            }
        }
    }
}
