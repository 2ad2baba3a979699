using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Workbook.Products.Ranking;

/// <summary>
/// Band prior fits kept by what they are fitted on: the prior family and a 128-bit hash of the band's ordered
/// (clicks, impressions, count) histogram. A fit is a pure function of those, so a hit returns exactly what fitting
/// again would. Tuning measures many configurations on the same thinning splits, and a configuration that differs only in
/// how the fitted priors are used (strength scale, score, category pooling) or that repeats another's bands and family
/// finds its fits here: the maximum-likelihood fits were about half of the automl-ranking target's CPU (perf).
/// Thread-safe; each key is fitted once even when several threads ask at the same time. Grows by one small entry per
/// distinct fit, not by the data.
/// </summary>
internal sealed class PriorFitMemo
{
    private readonly ConcurrentDictionary<(PriorFamily, UInt128), Lazy<ZeroInflatedPrior>> _fits = new();

    /// <summary>Fits computed (misses) so far.</summary>
    public int Fits => _fits.Count;

    public ZeroInflatedPrior GetOrFit(PriorFamily family, IReadOnlyList<(long Clicks, long Impressions, long Count)> histogram,
        Func<IReadOnlyList<(long Clicks, long Impressions, long Count)>, ZeroInflatedPrior> fit) =>
        _fits.GetOrAdd((family, Key(histogram)), _ => new Lazy<ZeroInflatedPrior>(() => fit(histogram))).Value;

    private static UInt128 Key(IReadOnlyList<(long Clicks, long Impressions, long Count)> histogram)
    {
        var flat = new long[histogram.Count * 3];
        for (var i = 0; i < histogram.Count; i++)
            (flat[3 * i], flat[3 * i + 1], flat[3 * i + 2]) = histogram[i];
        return XxHash128.HashToUInt128(MemoryMarshal.AsBytes(flat.AsSpan()));
    }
}
