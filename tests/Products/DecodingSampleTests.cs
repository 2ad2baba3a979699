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
        var sample = new DecodingSample(tree, candidates, paths, gold, thresholds);
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
                Assert.Equal(expected, sample.Decode(i, decoder.LevelThresholds, decoder.DescendThreshold));
            }
        }
    }
}
