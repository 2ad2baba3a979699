namespace Workbook.Products.Classification;

/// <summary>How term frequencies become feature values (all variants are L2-normalised per product).</summary>
public enum TermWeighting { Binary, TermFrequency, Sublinear, TfIdf, SublinearTfIdf }

/// <summary>
/// The optimiser of each one-vs-rest block: AdaGrad with one accumulator per weight, AdaGrad with one accumulator per
/// feature row (shared by the row's columns: one fused vector update per feature), or SGD with a 1/sqrt(t) decay.
/// </summary>
public enum OptimizerKind { AdaGrad, RowAdaGrad, Sgd }

/// <summary>
/// Each node's output: one sigmoid per child (children not exclusive: several paths, or none of the children), a
/// softmax over the children (exactly one child; a product with several gets their mean as its target), or, with
/// <c>Exclusive</c>, a softmax at the nodes where every training product below the node has exactly one of its
/// children (cdiscount and myntra everywhere; germeval, whose blurbs can have two paths or stop early, almost nowhere)
/// and sigmoids elsewhere. <c>Auto</c>: <see cref="HierarchicalClassifier.FitAll"/> fits its threshold folds both
/// ways (Sigmoid and Exclusive) and keeps the one whose out-of-fold score is higher (on the fixed split: Exclusive on
/// cdiscount, +0.005 hierarchical F1; Sigmoid on myntra, where the softmax lost 0.002); <c>Fit</c> reads it as Exclusive.
/// </summary>
internal enum NodeLoss { Sigmoid, Softmax, Exclusive, Auto }

/// <summary>Which validation metric the decoding thresholds are tuned to maximise.</summary>
public enum ThresholdMetric { HierarchicalF1, MicroF1, SamplesF1, ExactMatch }

/// <summary>
/// Every hyperparameter of <see cref="HierarchicalClassifier"/>. The defaults are the selection of the AutoML experiment
/// that tuned one configuration for all four catalogues at once under a prediction-speed and a cdiscount-accuracy
/// constraint (task classify-catalogues, experiment classifier-random-2026-12-05, <c>--constraint
/// "cdiscount_predict_per_cpu_second>=50000;cdiscount_hf1>=0.84"</c>, docs/experiments/classifier-random-2026-12-05.md):
/// its only feasible trial, 25 (word bigrams of name and description, beam width 4, explore threshold 0.070; the rest as
/// the earlier experiment classifier-constrained-2026-12-05's selection, trial 350: name weight 0.345, 2 averaged
/// epochs). The node loss (<see cref="NodeLoss.Auto"/>) and the decoder's path (greedy or by sum) are outside the
/// search space, chosen where the thresholds are tuned.
/// </summary>
public sealed record HierarchicalClassifierOptions
{
    /// <summary>Feature space is 2^HashBits buckets; also the cap on the rows of each parent's weight table.</summary>
    public int HashBits { get; init; } = 20;
    /// <summary>Longest word n-gram (1 = unigrams, 2 = uni+bigrams).</summary>
    public int WordNgramMax { get; init; } = 2;
    /// <summary>
    /// Word n-grams (above unigrams) of the description too, not only of the name. A name has a few words, so its
    /// bigrams add a few features; a 1000-character blurb's add as many as its words (prediction reads each one).
    /// </summary>
    public bool WordNgramsInDescription { get; init; } = true;
    /// <summary>Shortest character n-gram of the name's words (0 = character n-grams off).</summary>
    public int CharNgramMin { get; init; } = 3;
    /// <summary>Longest character n-gram (0 = off).</summary>
    public int CharNgramMax { get; init; } = 5;
    /// <summary>Also take character n-grams of the description: +0.03-0.05 hF1 on germeval, a little on cdiscount, but several times the features per blurb (prediction on cdiscount drops from about 54,000 to 31,000 products per CPU-second; training memory grows).</summary>
    public bool CharNgramsInDescription { get; init; } = false;
    /// <summary>Description characters read per product (long blurbs add little after the first paragraphs).</summary>
    public int MaxDescriptionChars { get; init; } = 1000;
    /// <summary>
    /// Each occurrence of a name feature (its words, n-grams and character n-grams) counts this much, a description's
    /// 1, before the weighting and the L2 norm: how much the title speaks against a long blurb.
    /// </summary>
    public double NameWeight { get; init; } = 0.34489835321557677;
    /// <summary>Brand, shop and log-binned price as tokens of their own.</summary>
    public bool MetadataTokens { get; init; } = true;
    public TermWeighting Weighting { get; init; } = TermWeighting.TfIdf;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.RowAdaGrad;
    /// <summary>Internal (no client of the library sets it), saved with the model's options all the same.</summary>
    [System.Text.Json.Serialization.JsonInclude]
    internal NodeLoss Loss { get; init; } = NodeLoss.Auto;
    public double LearningRate { get; init; } = 0.5;
    /// <summary>L2 penalty applied to the coordinates a product touches (sparse, per update).</summary>
    public double L2 { get; init; } = 0;
    public int Epochs { get; init; } = 5;
    /// <summary>
    /// Each node's weights are the mean of its iterates over the last this many epochs, at most all of them (averaged
    /// SGD; 0 = the last iterate). Same model size and prediction cost; each averaged epoch's updates cost one more
    /// vector operation.
    /// </summary>
    public int AverageEpochs { get; init; } = 2;
    /// <summary>Level-1 candidates and children of every explored node below this joint probability are not expanded.</summary>
    public double ExploreThreshold { get; init; } = 0.07028535361220627;
    /// <summary>At most this many nodes per level are expanded during decoding.</summary>
    public int BeamWidth { get; init; } = 4;
    /// <summary>Validation metric the per-level thresholds are tuned for.</summary>
    public ThresholdMetric TuneFor { get; init; } = ThresholdMetric.HierarchicalF1;
    /// <summary>Share of the training products held out for threshold tuning when no validation set is given.</summary>
    public double HoldOutFraction { get; init; } = 0.1;
    /// <summary>
    /// <see cref="HierarchicalClassifier.FitAll"/>: the training products are cut into this many folds; a model fitted
    /// without a fold scores it, and the decoder is tuned on those out-of-fold scores before the final model is fitted on
    /// every product.
    /// </summary>
    public int ThresholdFolds { get; init; } = 5;
    /// <summary>FitAll uses only as many folds as it takes to score about this many products (all folds on small catalogues, one on large ones).</summary>
    public int ThresholdProducts { get; init; } = 5000;
    public int Seed { get; init; } = 1;
    /// <summary>Worker threads for training and prediction (results do not depend on it).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws a clear error for a value outside its range.</summary>
    public void Validate()
    {
        void Check(bool ok, string what) { if (!ok) throw new ArgumentOutOfRangeException(what, $"Invalid HierarchicalClassifierOptions: {what}."); }
        Check(HashBits is >= 10 and <= 26, $"HashBits {HashBits} must be in 10..26");
        Check(WordNgramMax is >= 1 and <= 3, $"WordNgramMax {WordNgramMax} must be in 1..3");
        Check(CharNgramMin == 0 && CharNgramMax == 0 || CharNgramMin >= 1 && CharNgramMax >= CharNgramMin && CharNgramMax <= 8,
            $"CharNgramMin {CharNgramMin} / CharNgramMax {CharNgramMax} must be 0/0 or 1 <= min <= max <= 8");
        Check(LearningRate > 0, $"LearningRate {LearningRate} must be > 0");
        Check(L2 >= 0, $"L2 {L2} must be >= 0");
        Check(Epochs >= 1, $"Epochs {Epochs} must be >= 1");
        Check(AverageEpochs >= 0, $"AverageEpochs {AverageEpochs} must be >= 0");
        Check(ExploreThreshold is >= 0 and < 1, $"ExploreThreshold {ExploreThreshold} must be in [0,1)");
        Check(BeamWidth >= 1, $"BeamWidth {BeamWidth} must be >= 1");
        Check(HoldOutFraction is >= 0 and < 1, $"HoldOutFraction {HoldOutFraction} must be in [0,1)");
        Check(ThresholdFolds >= 2, $"ThresholdFolds {ThresholdFolds} must be >= 2");
        Check(ThresholdProducts >= 1, $"ThresholdProducts {ThresholdProducts} must be >= 1");
        Check(Threads >= 1, $"Threads {Threads} must be >= 1");
        Check(MaxDescriptionChars >= 0, $"MaxDescriptionChars {MaxDescriptionChars} must be >= 0");
        Check(NameWeight is > 0 and <= 100, $"NameWeight {NameWeight} must be in (0, 100]");
    }
}
