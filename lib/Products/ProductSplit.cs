namespace Workbook.Products;

/// <summary>A deterministic train/validation/test partition of a catalogue's labelled products.</summary>
public sealed record ProductSplit(IReadOnlyList<Product> Train, IReadOnlyList<Product> Validation, IReadOnlyList<Product> Test)
{
    /// <summary>The starter draft.py's seed for <c>train_test_split</c>.</summary>
    public const int StarterSeed = 112358;

    /// <summary>
    /// Shuffles the labelled products with <paramref name="seed"/> and cuts train, validation and the rest as test.
    /// Same catalogue and seed give the same split on every machine.
    /// </summary>
    public static ProductSplit Create(ProductCatalog catalog, int seed, double trainFraction = 0.7, double validationFraction = 0.1)
    {
        if (trainFraction <= 0 || validationFraction < 0 || trainFraction + validationFraction > 1)
            throw new ArgumentException($"Fractions must satisfy 0 < train ({trainFraction}) and train + validation ({validationFraction}) <= 1.");
        var items = catalog.Labelled.ToArray();
        // System.Random with a seed is a fixed algorithm across .NET versions and platforms.
        new Random(seed).Shuffle(items);
        var nTrain = (int)Math.Round(items.Length * trainFraction);
        var nValidation = (int)Math.Round(items.Length * validationFraction);
        nValidation = Math.Min(nValidation, items.Length - nTrain);
        return new ProductSplit(items[..nTrain], items[nTrain..(nTrain + nValidation)], items[(nTrain + nValidation)..]);
    }

    /// <summary>
    /// The starter's split: scikit-learn <c>train_test_split(X, y, test_size=0.2, random_state=112358)</c> over the
    /// catalogue rows in file order, reproduced exactly (NumPy MT19937 permutation; test takes the first
    /// ceil(0.2 n) permuted rows). No validation part.
    /// </summary>
    public static ProductSplit Starter(ProductCatalog catalog, int seed = StarterSeed, double testFraction = 0.2)
    {
        var rows = catalog.Products;
        var perm = StarterPermutation(rows.Count, seed);
        var nTest = (int)Math.Ceiling(testFraction * rows.Count);
        return new ProductSplit(perm[nTest..].Select(i => rows[i]).ToList(), [], perm[..nTest].Select(i => rows[i]).ToList());
    }

    /// <summary>The row permutation behind <see cref="Starter"/> (exposed for the reproduction test).</summary>
    internal static int[] StarterPermutation(int n, int seed) => new NumpyRandomState((uint)seed).Permutation(n);
}
