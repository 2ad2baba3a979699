namespace Workbook.Products.Ranking;

/// <summary>
/// One <see cref="PriorFitMemo"/> for every ranking study of a process. The studies score the same thinning seeds with
/// the default model over and over (the evaluation, the calibration, the depth tables, the variants tried), and a
/// fit is a pure function of the band's histogram, so a `make` run fits each (seed, share, family, bands) once.
/// </summary>
internal static class SharedPriorFits
{
    public static PriorFitMemo Memo { get; } = new();

    /// <summary>The scorers, the banded models among them keeping their fits in <see cref="Memo"/>.</summary>
    public static IReadOnlyList<IProductScorer> Attach(IEnumerable<IProductScorer> scorers) => scorers.Select(s => s switch
    {
        BayesScorer { Fits: null } b => b with { Fits = Memo },
        CategoryLevelBandScorer { Fits: null } c => c with { Fits = Memo },
        _ => s,
    }).ToList();
}
