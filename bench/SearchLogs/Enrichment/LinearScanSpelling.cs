namespace Workbook.SearchLogs.Enrichment;

/// <summary>
/// The naive peer of <see cref="SpellingCorrector"/> for benchmarks and cross-checks: the same contract, answered
/// by computing the (bounded) OSA distance to every vocabulary word.
/// </summary>
internal sealed class LinearScanSpelling(SpellingCorrector corrector)
{
    private readonly (string Word, long Frequency)[] _vocabulary = corrector.Vocabulary().ToArray();

    public IReadOnlyList<SpellingSuggestion> Lookup(string input, int? maxDistance = null, int top = 5)
    {
        var max = Math.Min(maxDistance ?? corrector.Options.MaxEditDistance, corrector.Options.MaxEditDistance);
        var found = new List<SpellingSuggestion>();
        foreach (var (word, frequency) in _vocabulary)
        {
            var d = EditDistance.Osa(input, word, max);
            if (d <= max) found.Add(new SpellingSuggestion(word, d, frequency));
        }
        found.Sort(SpellingCorrector.Compare);
        return found.Count > top ? found.GetRange(0, top) : found;
    }
}
