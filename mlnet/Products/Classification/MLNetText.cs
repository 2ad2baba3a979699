using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace Workbook.Products.Classification.MLNet;

/// <summary>
/// How ML.NET turns a product's name and description into features (<c>FeaturizeText</c>): word n-grams up to
/// <see cref="WordNgramLength"/>, character n-grams of <see cref="CharNgramLength"/> (0 = none), raw counts or L2-normalised,
/// and optionally only features seen in at least <see cref="MinCount"/> training products (<c>SelectFeaturesBasedOnCount</c>).
/// The defaults are <c>FeaturizeText</c>'s own (word unigrams, character trigrams, L2) plus the count filter.
/// </summary>
public sealed record TextFeaturizerOptions(int WordNgramLength = 1, int CharNgramLength = 3, bool Normalize = true, int MinCount = 3)
{
    /// <summary>draft.py's <c>CountVectorizer</c>: lower-cased word counts, nothing else.</summary>
    public static TextFeaturizerOptions Counts { get; } = new(WordNgramLength: 1, CharNgramLength: 0, Normalize: false, MinCount: 1);
}

/// <summary>A fitted featurizer and the dimension of what it produces.</summary>
public sealed class MLNetFeaturizer
{
    private readonly ITransformer _transformer;
    public int Dimension { get; }
    public TextFeaturizerOptions Options { get; }

    private MLNetFeaturizer(ITransformer transformer, int dimension, TextFeaturizerOptions options)
    {
        _transformer = transformer;
        Dimension = dimension;
        Options = options;
    }

    /// <summary>The text ML.NET featurizes, as draft.py's: name, a space, description.</summary>
    public static string Text(Product p) => p.Name + " " + p.Description;

    public static MLNetFeaturizer Fit(IReadOnlyList<Product> train, TextFeaturizerOptions options, int seed = 1)
    {
        var ml = new MLContext(seed);
        var text = new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = true,
            KeepPunctuations = false,
            KeepNumbers = true,
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = options.WordNgramLength, UseAllLengths = true, Weighting = NgramExtractingEstimator.WeightingCriteria.Tf },
            CharFeatureExtractor = options.CharNgramLength > 0
                ? new WordBagEstimator.Options { NgramLength = options.CharNgramLength, UseAllLengths = false, Weighting = NgramExtractingEstimator.WeightingCriteria.Tf }
                : null,
            Norm = options.Normalize ? TextFeaturizingEstimator.NormFunction.L2 : TextFeaturizingEstimator.NormFunction.None,
        };
        IEstimator<ITransformer> pipeline = ml.Transforms.Text.FeaturizeText("Features", text, nameof(TextRow.Text));
        if (options.MinCount > 1) pipeline = pipeline.Append(ml.Transforms.FeatureSelection.SelectFeaturesBasedOnCount("Features", count: options.MinCount));
        var data = View(ml, train);
        var transformer = pipeline.Fit(data);
        var type = (VectorDataViewType)transformer.GetOutputSchema(data.Schema)["Features"].Type;
        return new MLNetFeaturizer(transformer, type.Size, options);
    }

    /// <summary>The feature vectors of <paramref name="products"/>, in order (sparse, copied out of ML.NET's buffers).</summary>
    public VBuffer<float>[] Transform(IReadOnlyList<Product> products)
    {
        var ml = new MLContext(1);
        var view = _transformer.Transform(View(ml, products));
        var column = view.Schema["Features"];
        var result = new VBuffer<float>[products.Count];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        var i = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            value.CopyTo(ref result[i++]);
        }
        return result;
    }

    /// <summary>Saves the fitted ML.NET featurizer (input: a <c>Text</c> column, output: <c>Features</c>).</summary>
    internal void Save(Stream stream)
    {
        var ml = new MLContext(1);
        ml.Model.Save(_transformer, View(ml, []).Schema, stream);
    }

    private static IDataView View(MLContext ml, IReadOnlyList<Product> products) =>
        ml.Data.LoadFromEnumerable(products.Select(p => new TextRow { Text = Text(p) }));

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }
}

/// <summary>In-memory ML.NET views over feature vectors the featurizer produced.</summary>
internal static class FeatureViews
{
    internal sealed class BinaryRow
    {
        public VBuffer<float> Features;
        public bool Label;
    }

    internal sealed class KeyRow
    {
        public VBuffer<float> Features;
        public uint Label; // 0..K-1: LoadFromEnumerable stores k as key k+1 (key 0 is "missing")
    }

    internal sealed class FeatureRow
    {
        public VBuffer<float> Features;
    }

    public static IDataView Binary(MLContext ml, IEnumerable<BinaryRow> rows, int dimension) =>
        ml.Data.LoadFromEnumerable(rows, Schema<BinaryRow>(dimension));

    public static IDataView Keyed(MLContext ml, IEnumerable<KeyRow> rows, int dimension, int classes)
    {
        var schema = Schema<KeyRow>(dimension);
        schema["Label"].ColumnType = new KeyDataViewType(typeof(uint), classes);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    public static IDataView Features(MLContext ml, IEnumerable<VBuffer<float>> rows, int dimension) =>
        ml.Data.LoadFromEnumerable(rows.Select(v => new FeatureRow { Features = v }), Schema<FeatureRow>(dimension));

    private static SchemaDefinition Schema<T>(int dimension)
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        return schema;
    }

    /// <summary>One column of a transformed view, in row order.</summary>
    public static T[] Column<T>(IDataView view, string name)
    {
        var column = view.Schema[name];
        var result = new List<T>();
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value);
        }
        return result.ToArray();
    }
}
