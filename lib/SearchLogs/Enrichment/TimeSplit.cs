namespace Workbook.SearchLogs.Enrichment;

/// <summary>
/// A split in time: training holds the searches before <see cref="Cutoff"/> and only those of their clicks that also
/// happened before it (a click logged after the cutoff is the future, even for an old search); test holds the
/// searches at or after the cutoff with all their clicks. Nothing the model sees is later than anything it is tested on.
/// </summary>
internal sealed record TimeSplit(DateTime Cutoff, CleanLog Train, CleanLog Test)
{
    /// <summary>Splits at the timestamp of the search at quantile <paramref name="trainFraction"/> of time order.</summary>
    public static TimeSplit ByFraction(CleanLog log, double trainFraction = 0.8)
    {
        if (trainFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(trainFraction));
        if (log.Searches.Count < 2) throw new ArgumentException("At least two searches are needed to split.", nameof(log));
        var index = Math.Clamp((int)(log.Searches.Count * trainFraction), 1, log.Searches.Count - 1);
        return At(log, log.Searches[index].TsUtc);
    }

    /// <summary>Splits at a given instant.</summary>
    public static TimeSplit At(CleanLog log, DateTime cutoff)
    {
        var train = log.Searches.Where(s => s.TsUtc < cutoff).ToList();
        var test = log.Searches.Where(s => s.TsUtc >= cutoff).ToList();
        var trainIds = train.Select(s => s.SearchId).ToHashSet(StringComparer.Ordinal);
        var testIds = test.Select(s => s.SearchId).ToHashSet(StringComparer.Ordinal);
        var trainClicks = log.Clicks.Where(c => trainIds.Contains(c.SearchId) && c.TsUtc < cutoff);
        var testClicks = log.Clicks.Where(c => testIds.Contains(c.SearchId));
        return new TimeSplit(cutoff, new CleanLog(train, trainClicks), new CleanLog(test, testClicks));
    }
}
