using Workbook.SearchLogs.Enrichment;

namespace Workbook.Tests.Enrichment;

public class EditDistanceTests
{
    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("documentary", "documentry", 1)]  // deletion
    [InlineData("music", "muisc", 1)]             // adjacent transposition costs 1 (Damerau)
    [InlineData("ca", "abc", 3)]                  // OSA, unlike unrestricted Damerau-Levenshtein (2)
    [InlineData("same", "same", 0)]
    [InlineData("", "abc", 3)]
    public void Osa_distance_matches_hand_computed_values(string a, string b, int expected)
    {
        Assert.Equal(expected, EditDistance.Osa(a, b, 5));
        Assert.Equal(expected, EditDistance.Osa(b, a, 5));
    }

    [Fact]
    public void Osa_stops_at_the_bound()
    {
        Assert.Equal(3, EditDistance.Osa("kitten", "sitting", 2));
        Assert.Equal(2, EditDistance.Osa("abcdefgh", "abcdefghij", 1)); // length gap alone exceeds the bound
    }
}

public class SpellingCorrectorTests
{
    private static SpellingCorrector Vocabulary() => SpellingCorrector.Fit(new Dictionary<string, long>
    {
        ["documentary"] = 40, ["music"] = 30, ["video"] = 25, ["nature"] = 12, ["natures"] = 2,
        ["cat"] = 9, ["car"] = 5, ["cut"] = 5, ["timelapse"] = 7,
    });

    [Fact]
    public void Corrects_at_distance_one_and_two()
    {
        var c = Vocabulary();
        Assert.Equal(new SpellingSuggestion("documentary", 1, 40), c.Correct("documentry"));
        Assert.Equal(new SpellingSuggestion("documentary", 2, 40), c.Correct("dokumentry"));
        Assert.Equal(new SpellingSuggestion("timelapse", 2, 7), c.Correct("tmelapes")); // deletion + transposition
    }

    [Fact]
    public void A_transposition_is_one_edit()
    {
        var c = Vocabulary();
        Assert.Equal(new SpellingSuggestion("music", 1, 30), c.Correct("muisc"));
        Assert.Equal(new SpellingSuggestion("timelapse", 1, 7), c.Correct("timelaspe"));
    }

    [Fact]
    public void Ties_at_the_same_distance_go_to_the_more_frequent_word()
    {
        var c = Vocabulary();
        // "cax" is one edit from cat (9), car (5): the most frequent wins; car and cut tie at 5, ordinal breaks it.
        Assert.Equal("cat", c.Correct("cax")!.Term);
        Assert.Equal(["car"], c.Lookup("cxr", 1).Select(s => s.Term));
        Assert.Equal(["cat", "cut", "car"], c.Lookup("cxt", 2).Select(s => s.Term));
        Assert.Equal("natures", c.Correct("naturess")!.Term); // distance beats frequency: natures (1) before nature (2)
    }

    [Fact]
    public void Known_words_stay_and_unknown_words_without_a_neighbour_get_nothing()
    {
        var c = Vocabulary();
        Assert.Equal(new SpellingSuggestion("video", 0, 25), c.Correct("video"));
        Assert.Null(c.Correct("xylophone"));
        Assert.Null(c.Correct("zq"));   // too short to correct
        Assert.Null(c.Correct("2020")); // numbers are not misspelled words
        Assert.Empty(c.Lookup("qqqqqqqq"));
    }

    [Fact]
    public void Symmetric_delete_lookup_agrees_with_a_linear_scan()
    {
        var random = new Random(3);
        var words = Enumerable.Range(0, 400)
            .Select(_ => new string(Enumerable.Range(0, 3 + random.Next(9)).Select(_ => (char)('a' + random.Next(6))).ToArray()))
            .Distinct().ToDictionary(w => w, _ => (long)(1 + random.Next(50)));
        var fast = SpellingCorrector.Fit(words);
        var slow = new LinearScanSpelling(fast);
        var probes = words.Keys.Take(150).Select(w =>
        {
            var i = random.Next(w.Length);
            return random.Next(3) switch { 0 => w.Remove(i, 1), 1 => w.Insert(i, "b"), _ => w[..i] + 'c' + w[(i + 1)..] };
        }).Concat(["abcdefabcdef", "aaaa", "fedcbafedcba"]);
        foreach (var p in probes)
            Assert.Equal(slow.Lookup(p, top: 50), fast.Lookup(p, top: 50));
    }
}
