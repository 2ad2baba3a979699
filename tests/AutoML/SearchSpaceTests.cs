using Workbook.AutoML;

namespace Workbook.Tests.AutoML;

public class SearchSpaceTests
{
    private static SearchSpace Space() => new SearchSpace()
        .Float("x", -1, 1)
        .Float("lr", 1e-4, 1, log: true)
        .Int("depth", 1, 10)
        .Int("dims", 16, 4096, log: true)
        .Choice("optimizer", ["sgd", "adagrad", "ftrl"])
        .Float("momentum", 0, 0.99, when: new Condition("optimizer", "sgd"))
        .Int("l1", 0, 3, when: new Condition("optimizer", "ftrl"));

    [Fact]
    public void Samples_near_a_centre_change_a_few_knobs_and_at_least_one()
    {
        var space = Space();
        var center = space.Parse("""{"x":0.5,"lr":0.01,"depth":4,"dims":256,"optimizer":"sgd","momentum":0.9}""");
        var random = new Random(3);
        var samples = Enumerable.Range(0, 400).Select(_ => space.SampleNear(center, 0.2, random)).ToList();
        int Changed(ParameterSet p) => center.Names.Count(n => !p.Has(n) || !Equals(p.Values[n], center.Values[n]))
                                       + p.Names.Count(n => !center.Has(n));
        var changed = samples.Select(Changed).ToList();
        // Seven coordinates at 0.2 each (one forced when none is drawn), and a changed optimizer also drops or adds its
        // conditional knobs: about two changed on average, far from all of them (uniform sampling changes nearly all).
        Assert.InRange(changed.Average(), 1.2, 2.6);
        Assert.DoesNotContain(0, changed);
        Assert.True(changed.Count(c => c >= 5) < 25, $"{changed.Count(c => c >= 5)} samples changed 5 or more");
        var uniform = Enumerable.Range(0, 400).Select(_ => Changed(space.Sample(random))).Average();
        Assert.True(uniform > 4, $"uniform samples change {uniform:F2} knobs");
        Assert.All(samples, p => Assert.Equal(p, space.Parse(p.Json)));
        // Kept knobs are the centre's exact values, not unit-cube round trips of them.
        var lr = space.Parse("""{"x":0.1,"lr":0.003,"depth":4,"dims":300,"optimizer":"adagrad"}""");
        Assert.All(Enumerable.Range(0, 100).Select(_ => space.SampleNear(lr, 0.2, random)),
            p => Assert.True(!p.Has("lr") || p.GetDouble("lr") == 0.003 || Math.Abs(p.GetDouble("lr") - 0.003) > 1e-9, p.Json));
        var again = new Random(3);
        Assert.Equal(samples, Enumerable.Range(0, 400).Select(_ => space.SampleNear(center, 0.2, again)));
        Assert.Throws<ArgumentOutOfRangeException>(() => space.SampleNear(center, 0, random));
    }

    [Fact]
    public void Same_seed_gives_the_same_samples_and_another_seed_does_not()
    {
        var space = Space();
        var a = Enumerable.Range(0, 50).Select(_ => space.Sample(new Random(5))).ToList();
        var r1 = new Random(5);
        var r2 = new Random(5);
        var s1 = Enumerable.Range(0, 50).Select(_ => space.Sample(r1).Json).ToList();
        var s2 = Enumerable.Range(0, 50).Select(_ => space.Sample(r2).Json).ToList();
        var r3 = new Random(6);
        var s3 = Enumerable.Range(0, 50).Select(_ => space.Sample(r3).Json).ToList();
        Assert.Equal(s1, s2);
        Assert.NotEqual(s1, s3);
        Assert.All(a, p => Assert.Equal(a[0], p));
    }

    [Fact]
    public void Samples_stay_in_bounds_and_cover_them()
    {
        var space = Space();
        var random = new Random(1);
        var samples = Enumerable.Range(0, 4000).Select(_ => space.Sample(random)).ToList();
        Assert.All(samples, p =>
        {
            Assert.InRange(p.GetDouble("x"), -1, 1);
            Assert.InRange(p.GetDouble("lr"), 1e-4, 1);
            Assert.InRange(p.GetInt("depth"), 1, 10);
            Assert.InRange(p.GetInt("dims"), 16, 4096);
        });
        // Every integer, including both ends, is drawn about equally often (400 expected each).
        var counts = samples.GroupBy(p => p.GetInt("depth")).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.InRange(c, 300, 500));
        Assert.Contains(samples, p => p.GetInt("dims") == 16);
        Assert.Contains(samples, p => p.GetInt("dims") == 4096);
    }

    [Fact]
    public void Log_scale_is_uniform_in_the_exponent()
    {
        var space = Space();
        var random = new Random(2);
        var lr = Enumerable.Range(0, 4000).Select(_ => space.Sample(random).GetDouble("lr")).ToList();
        // Each decade of [1e-4, 1] gets a quarter of the draws; a linear draw would put ~90% in the top decade.
        for (var decade = -4; decade < 0; decade++)
        {
            var share = lr.Count(v => v >= Math.Pow(10, decade) && v < Math.Pow(10, decade + 1)) / 4000.0;
            Assert.InRange(share, 0.21, 0.29);
        }
    }

    [Fact]
    public void Conditional_parameters_appear_only_under_their_choice()
    {
        var space = Space();
        var random = new Random(3);
        var samples = Enumerable.Range(0, 600).Select(_ => space.Sample(random)).ToList();
        Assert.All(samples, p =>
        {
            Assert.Equal(p.GetString("optimizer") == "sgd", p.Has("momentum"));
            Assert.Equal(p.GetString("optimizer") == "ftrl", p.Has("l1"));
        });
        Assert.Contains(samples, p => p.Has("momentum"));
        Assert.Contains(samples, p => p.Has("l1"));
        Assert.Throws<KeyNotFoundException>(() => samples.First(p => !p.Has("momentum")).GetDouble("momentum"));
    }

    [Fact]
    public void Canonical_json_is_sorted_and_round_trips_exactly()
    {
        var space = Space();
        var random = new Random(4);
        foreach (var p in Enumerable.Range(0, 200).Select(_ => space.Sample(random)))
        {
            var names = p.Names.ToList();
            Assert.Equal(names.Order(StringComparer.Ordinal), names);
            var back = space.Parse(p.Json);
            Assert.Equal(p, back);
            Assert.Equal(p.GetDouble("lr"), back.GetDouble("lr")); // bit-exact, not just close
            // Decoding the encoding gives the same configuration (what cost-frugal search relies on).
            Assert.Equal(p.Json, space.Decode(space.Encode(p)).Json);
        }
    }

    [Fact]
    public void Initial_point_uses_declared_inits()
    {
        var space = new SearchSpace().Float("a", 0, 1, init: 0.25).Int("b", 1, 100, log: true, init: 10).Choice("c", ["x", "y"], init: "y");
        Assert.Equal("""{"a":0.25,"b":10,"c":"y"}""", space.Initial().Json);
    }

    [Fact]
    public void Bad_declarations_and_bad_stored_values_are_clear_errors()
    {
        Assert.Throws<ArgumentException>(() => new SearchSpace().Float("a", 1, 0));
        Assert.Throws<ArgumentException>(() => new SearchSpace().Float("a", 0, 1, log: true));
        Assert.Throws<ArgumentException>(() => new SearchSpace().Float("a", 0, 1).Float("a", 0, 2));
        var e = Assert.Throws<ArgumentException>(() => new SearchSpace().Float("m", 0, 1, when: new Condition("opt", "sgd")));
        Assert.Contains("opt", e.Message);
        Assert.Throws<ArgumentException>(() => new SearchSpace().Choice("opt", ["a"]).Float("m", 0, 1, when: new Condition("opt", "zzz")));
        var space = Space();
        Assert.Contains("outside", Assert.Throws<FormatException>(() => space.Parse("""{"x":3}""")).Message);
        Assert.Contains("Unknown parameter", Assert.Throws<FormatException>(() => space.Parse("""{"nope":1}""")).Message);
        Assert.Throws<FormatException>(() => space.Parse("""{"optimizer":"adam"}"""));
    }

    [Fact]
    public void Space_json_changes_when_the_space_changes()
    {
        Assert.Equal(Space().ToJson(), Space().ToJson());
        Assert.NotEqual(Space().ToJson(), Space().Float("extra", 0, 1).ToJson());
    }
}
