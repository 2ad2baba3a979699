namespace Workbook.Products;

/// <summary>Labels of one level: how many exist, how many are used, and how skewed their use is.</summary>
public sealed record LevelProfile(int Level, int Labels, int Used, int MostFrequentCount, double TopShare, int MedianCount, int Singletons);

/// <summary>A catalogue at a glance, for the data notebook: sizes, label skew, text, languages, brands, shops, prices.</summary>
public sealed record CatalogProfile(
    string Name, int Products, int LabelTreeSize, int Depth, double LabelsPerProduct, double MultiPathShare,
    IReadOnlyList<LevelProfile> Levels, double MedianNameChars, double MedianDescriptionChars,
    IReadOnlyDictionary<string, double> LanguageShares, int Brands, double BrandCoverage, int Shops, double PriceCoverage,
    double? PriceMedian, double? PriceP95)
{
    /// <summary>Profiles a loaded catalogue.</summary>
    public static CatalogProfile Of(string name, ProductCatalog catalog)
    {
        var tree = catalog.Labels;
        var products = catalog.Labelled;
        var counts = LabelCounts(catalog);
        var levels = Enumerable.Range(1, tree.Depth).Select(level =>
        {
            var labels = tree.AtLevel(level);
            var used = labels.Select(l => counts[l]).Where(c => c > 0).OrderByDescending(c => c).ToList();
            var perLevel = products.Count(p => p.Labels.Any(l => tree.Level(l) == level));
            return new LevelProfile(level, labels.Count, used.Count, used.FirstOrDefault(), perLevel == 0 ? 0 : used.FirstOrDefault() / (double)perLevel,
                Median.Lower(used), used.Count(c => c == 1));
        }).ToList();
        var prices = catalog.Products.Where(p => p.Price.HasValue).Select(p => p.Price!.Value).Order().ToList();
        var languages = catalog.Products.Select(p => LanguageGuess.Of(p.Name + " " + p.Description)).GroupBy(l => l)
            .OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count() / (double)catalog.Products.Count);
        return new CatalogProfile(name, catalog.Products.Count, tree.Count, tree.Depth,
            products.Count == 0 ? 0 : products.Average(p => p.Labels.Count),
            products.Count == 0 ? 0 : products.Count(p => p.Labels.Count(l => tree.Level(l) == 1) > 1 || p.Labels.Count(l => tree.Level(l) == 2) > 1) / (double)products.Count,
            levels, Median.Of(catalog.Products.Select(p => (double)p.Name.Length)), Median.Of(catalog.Products.Select(p => (double)p.Description.Length)),
            languages, catalog.Products.Select(p => p.Brand).Where(b => b.Length > 0).Distinct().Count(),
            catalog.Products.Count(p => p.Brand.Length > 0) / (double)Math.Max(1, catalog.Products.Count),
            catalog.Products.Select(p => p.Shop).Where(s => s.Length > 0).Distinct().Count(),
            prices.Count / (double)Math.Max(1, catalog.Products.Count),
            prices.Count == 0 ? null : Median.Of(prices), prices.Count == 0 ? null : prices[(int)(prices.Count * 0.95)]);
    }

    /// <summary>Products per label (index = label).</summary>
    public static int[] LabelCounts(ProductCatalog catalog)
    {
        var counts = new int[catalog.Labels.Count];
        foreach (var p in catalog.Products)
            foreach (var l in p.Labels) counts[l]++;
        return counts;
    }
}

/// <summary>
/// A rough language guess from stop words and script (the original catalogue mixes German, English, Russian and
/// some Italian, French, Spanish); good enough to profile a catalogue, not to route text.
/// </summary>
internal static class LanguageGuess
{
    private static readonly Dictionary<string, HashSet<string>> StopWords = new()
    {
        ["de"] = ["der", "die", "das", "und", "mit", "für", "ist", "ein", "eine", "nicht", "sie", "auf", "den", "von", "zu", "im", "sich", "dem"],
        ["en"] = ["the", "and", "with", "for", "of", "to", "is", "in", "on", "this", "your", "you", "are", "by", "from", "men", "women"],
        ["fr"] = ["le", "la", "les", "et", "pour", "avec", "des", "de", "du", "une", "un", "en", "est", "sur", "au", "aux"],
        ["it"] = ["il", "lo", "gli", "e", "con", "per", "della", "di", "che", "una", "sono", "nel"],
        ["es"] = ["el", "los", "las", "y", "con", "para", "del", "una", "que", "es", "por"],
    };

    public static string Of(string text)
    {
        var cyrillic = 0;
        var letters = 0;
        foreach (var c in text)
        {
            if (!char.IsLetter(c)) continue;
            letters++;
            if (c is >= '\u0400' and <= '\u04FF') cyrillic++;
        }
        if (letters > 0 && cyrillic > letters / 3) return "ru";
        var words = text.ToLowerInvariant().Split([' ', ',', '.', ';', ':', '-', '(', ')', '/', '\n', '\t', '"', '!', '?'], StringSplitOptions.RemoveEmptyEntries);
        var best = "unknown";
        var bestHits = 0;
        foreach (var (language, stop) in StopWords)
        {
            var hits = words.Count(stop.Contains);
            if (hits > bestHits) { best = language; bestHits = hits; }
        }
        return best;
    }
}
