using System.Text.RegularExpressions;
using Workbook.Products.Classification;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.Products;

/// <summary>Model files whose checksum is valid but whose content is not this code's: clear errors, never a crash.</summary>
public class ModelFileValidationTests
{
    private static InvalidDataException LoadFails(byte[] bytes)
    {
        using var tmp = ProductTestData.Temp();
        var path = tmp.File("m.model");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => HierarchicalClassifierModel.Load(path));
        Assert.Contains(path, e.Message);
        return e;
    }

    private static byte[] Edit(string pattern, string replacement) =>
        ModelFileBytes.WithHeader(ModelFileBytes.Small, h =>
        {
            var edited = Regex.Replace(h, pattern, replacement);
            Assert.NotEqual(h, edited);
            return edited;
        });

    [Fact]
    public void The_untouched_small_model_loads() // the surgery itself must not be what fails
    {
        using var tmp = ProductTestData.Temp();
        var path = tmp.File("m.model");
        File.WriteAllBytes(path, ModelFileBytes.WithHeader(ModelFileBytes.Small, h => h));
        Assert.Equal(10, HierarchicalClassifierModel.Load(path).Options.HashBits);
    }

    [Theory]
    [InlineData(29)]
    [InlineData(31)]
    [InlineData(-1)]
    public void Hash_bits_out_of_range_are_refused(int bits) =>
        Assert.Contains($"HashBits {bits} must be in 10..26", LoadFails(Edit("\"HashBits\":10", $"\"HashBits\":{bits}")).Message);

    [Fact]
    public void An_empty_label_tree_is_refused() =>
        Assert.Contains("empty label tree", LoadFails(Edit("\"Tree\":\\[.*?\\]", "\"Tree\":[]")).Message);

    [Fact]
    public void A_header_that_is_not_json_is_refused() =>
        Assert.Contains("not valid JSON", LoadFails(ModelFileBytes.WithHeader(ModelFileBytes.Small, h => h[..(h.Length / 2)])).Message);

    [Fact]
    public void A_null_header_or_missing_parts_are_refused()
    {
        Assert.Contains("not valid JSON", LoadFails(ModelFileBytes.WithHeader(ModelFileBytes.Small, _ => "null")).Message);
        Assert.Contains("lacks", LoadFails(Edit("\"Parents\":\\[", "\"Parentz\":[")).Message);
    }

    [Fact]
    public void A_table_larger_than_the_file_is_refused_before_it_is_allocated() =>
        Assert.Contains("invalid node, children or row count", LoadFails(Edit("\"Rows\":\\d+", "\"Rows\":2000000000")).Message);

    [Fact]
    public void A_header_length_past_the_end_is_refused()
    {
        var bytes = ModelFileBytes.Small;
        BitConverter.GetBytes(int.MaxValue).CopyTo(bytes, 8);
        Assert.Contains("does not fit", LoadFails(ModelFileBytes.Resealed(bytes)).Message);
    }

    [Fact]
    public void The_cli_says_so_in_one_line_with_exit_code_2()
    {
        using var tmp = ProductTestData.Temp();
        var model = tmp.File("bits.model");
        File.WriteAllBytes(model, Edit("\"HashBits\":10", "\"HashBits\":31"));
        var input = tmp.File("in.csv", "id,name\n1,x\n");
        var r = CliProcess.Run(["classify", "predict", "--model", model, "--input", input, "--output", tmp.File("o.csv")]);
        CliProcess.AssertUserError(r, "HashBits 31");
        Assert.False(File.Exists(tmp.File("o.csv")));
    }
}
