using Workbook.SearchLogs.Enrichment;

namespace Workbook.Tests.Enrichment;

public class ClickGraphWalkTests
{
    // q0 -2- c0, q0 -1- c1, q1 -1- c1. Nodes: q0 = 0, q1 = 1, c0 = 2, c1 = 3.
    private static ClickGraph Graph() => new(2, 2, [(0, 0, 2.0), (0, 1, 1.0), (1, 1, 1.0)]);

    private static Dictionary<int, double> Walk(int steps) =>
        new ClickGraphWalk(Graph(), new WalkOptions(steps, SelfTransition: 0.5, MaxFanOut: 100, Prune: 0))
            .Run([(0, 1.0)]).ToDictionary(r => r.Node, r => r.Score);

    [Fact]
    public void One_step_backward_walk_matches_hand_computation()
    {
        // v1[k] = P(a 1-step walk from k ends at q0): stay 0.5 at q0; from c0: 0.5 * 2/2; from c1: 0.5 * 1/2.
        var v = Walk(1);
        Assert.Equal(0.5, v[0], 6); // float coefficients
        Assert.Equal(0.5, v[2], 6); // float coefficients
        Assert.Equal(0.25, v[3], 6); // float coefficients
        Assert.False(v.ContainsKey(1));
    }

    [Fact]
    public void Two_step_backward_walk_matches_hand_computation()
    {
        var v = Walk(2);
        Assert.Equal(0.25 + 0.5 * 2 / 3 * 0.5 + 0.5 * 1 / 3.0 * 0.25, v[0], 6); // float coefficients // q0: stay-stay, via c0, via c1
        Assert.Equal(0.125, v[1], 6); // float coefficients  // q1 -> c1 -> q0: 0.5 * 1 * 0.5 * 1/2
        Assert.Equal(0.5, v[2], 6); // float coefficients    // c0 -> c0 -> q0 and c0 -> q0 -> q0
        Assert.Equal(0.25, v[3], 6); // float coefficients   // c1 -> c1 -> q0 and c1 -> q0 -> q0
    }

    [Fact]
    public void Fan_out_cap_keeps_the_strongest_edges()
    {
        // From q0 the backward coefficients are C/D(target): c0 2/2 = 1, c1 1/2; a cap of 1 follows only c0.
        var v = new ClickGraphWalk(Graph(), new WalkOptions(1, 0.5, MaxFanOut: 1, Prune: 0)).Run([(0, 1.0)])
            .ToDictionary(r => r.Node, r => r.Score);
        Assert.Equal([0, 2], v.Keys.Order());
    }

    [Fact]
    public void Co_click_similarity_is_the_cosine_of_click_vectors()
    {
        var g = Graph();
        Assert.Equal(1 / Math.Sqrt(5), CoClickSimilarity.Cosine(g, 0, 1), 12); // (2,1).(0,1) / (sqrt5 * 1)
        Assert.Equal(1.0, CoClickSimilarity.Cosine(g, 0, 0), 12);
        var mixed = new CoClickSimilarity(g, [(0, 1.0), (1, 1.0)]);
        Assert.Equal((1 / Math.Sqrt(5) + 1) / 2, mixed.To(1), 12);
    }

    [Fact]
    public void Repeated_clicks_add_up()
    {
        var g = new ClickGraph(1, 1, [(0, 0, 1.0), (0, 0, 2.5)]);
        Assert.Equal(3.5, g.Weight(0, 1), 6);
        Assert.Equal(1, g.EdgeCount);
    }
}

public class PositionWeightingTests
{
    [Fact]
    public void Weight_is_the_clipped_inverse_propensity()
    {
        var linear = new PositionWeighting(Eta: 1, MaxWeight: 5);
        Assert.Equal(1, linear.Weight(1), 12);
        Assert.Equal(0.25, linear.Propensity(4), 12);
        Assert.Equal(4, linear.Weight(4), 12);
        Assert.Equal(5, linear.Weight(10), 12); // clipped
        Assert.Equal(1, linear.Weight(0), 12);  // positions below 1 count as the top

        var sqrt = new PositionWeighting(Eta: 0.5, MaxWeight: 5);
        Assert.Equal(2, sqrt.Weight(4), 12);
        Assert.Equal(1, PositionWeighting.None.Weight(9), 12);
    }

    [Fact]
    public void A_click_low_on_the_page_weighs_more_in_the_graph()
    {
        var log = new CleanLog(
            [new LoggedSearch("a", "cats", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), 10),
             new LoggedSearch("b", "cats", new DateTime(2020, 1, 1, 0, 1, 0, DateTimeKind.Utc), 10)],
            [new LoggedClick("a", "top", 1, new DateTime(2020, 1, 1, 0, 0, 5, DateTimeKind.Utc)),
             new LoggedClick("b", "deep", 9, new DateTime(2020, 1, 1, 0, 1, 5, DateTimeKind.Utc))]);
        // With a click-volume prior the clip scores are proportional to the weighted clicks: 5 vs 1.
        var forward = new WalkOptions(ClickVolumePrior: true);
        var weighted = EnrichmentIndex.Build(log, new EnrichmentOptions(Position: new PositionWeighting(1, 5), Walk: forward)).Enrich("cats");
        Assert.Equal(["deep", "top"], weighted.SuggestedClips.Select(c => c.ClipId));
        Assert.Equal(5.0 / 6, weighted.SuggestedClips[0].Score, 6);
        var flat = EnrichmentIndex.Build(log, new EnrichmentOptions(Position: PositionWeighting.None, Walk: forward)).Enrich("cats");
        Assert.Equal(flat.SuggestedClips[0].Score, flat.SuggestedClips[1].Score, 12);
        // The backward walk (uniform prior) scores both alike, since each clip links only to "cats"; the tie goes to
        // the clip with more (weighted) clicks.
        var backward = EnrichmentIndex.Build(log, new EnrichmentOptions(Position: new PositionWeighting(1, 5))).Enrich("cats");
        Assert.Equal(["deep", "top"], backward.SuggestedClips.Select(c => c.ClipId));
        Assert.Equal(backward.SuggestedClips[0].Score, backward.SuggestedClips[1].Score, 12);
    }
}
