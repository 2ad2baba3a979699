using Workbook.Products;

namespace Workbook.Tests.Products;

public class ProductSplitTests
{
    [Fact]
    public void Same_seed_same_split_and_parts_partition_the_labelled_products()
    {
        var catalog = ProductTestData.Flipkart;
        var a = ProductSplit.Create(catalog, 3, 0.7, 0.1);
        var b = ProductSplit.Create(catalog, 3, 0.7, 0.1);
        var c = ProductSplit.Create(catalog, 4, 0.7, 0.1);
        Assert.Equal(a.Train.Select(p => p.Id), b.Train.Select(p => p.Id));
        Assert.Equal(a.Test.Select(p => p.Id), b.Test.Select(p => p.Id));
        Assert.NotEqual(a.Train.Select(p => p.Id), c.Train.Select(p => p.Id));
        Assert.Equal(735, a.Train.Count);
        Assert.Equal(105, a.Validation.Count);
        var all = a.Train.Concat(a.Validation).Concat(a.Test).Select(p => p.Id).ToList();
        Assert.Equal(catalog.Labelled.Count, all.Distinct().Count());
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void Numpy_permutation_is_reproduced()
    {
        // Reference values from numpy 1.24: np.random.RandomState(seed).permutation(n).
        Assert.Equal(new[] { 6, 5, 9, 8, 0, 3, 7, 4, 1, 2 }, ProductSplit.StarterPermutation(10, 112358));
        Assert.Equal(new[] { 1, 17, 2, 5, 11, 0, 18, 6, 13, 19, 10, 14, 8, 16, 9, 12, 7, 3, 4, 15 }, ProductSplit.StarterPermutation(20, 7));
    }

    [Fact]
    public void Starter_split_matches_scikit_learn_train_test_split_seed_112358()
    {
        // Reference: sklearn 1.2 train_test_split(ids, test_size=0.2, random_state=112358) on flipkart-1050's data.csv.
        var split = ProductSplit.Starter(ProductTestData.Flipkart);
        Assert.Equal(840, split.Train.Count);
        Assert.Equal(210, split.Test.Count);
        Assert.Empty(split.Validation);
        Assert.Equal(new[] { "bcb8e456728013a90ba66ab3b1b783ad", "0dc4d2767fe8424a3263ab141884f83d", "5ae4626271e8eefe5eb2aaf42c00724f" }, split.Test.Take(3).Select(p => p.Id));
        Assert.Equal("c612bdfa459e1e2f20d57348336c24be", split.Test[^1].Id);
        Assert.Equal(new[] { "fc7abdf67b4d7dbf64dffbab7b37599c", "84b2e623a4a4327b88f7fe197a09be31", "a43fbae655e5d13215b9dd65339fa9d4" }, split.Train.Take(3).Select(p => p.Id));
    }
}
