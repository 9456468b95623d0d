/* Keccak-256 against published answers only: the Keccak team's known-answer tests (KeccakKAT-3,
 * ShortMsgKAT_256.txt and LongMsgKAT_256.txt, the original 0x01 padding that Ethereum uses) and hashes
 * that are constants of the Ethereum protocol. Every vector is checked through the one-shot function
 * and through the incremental API fed in awkward piece sizes, so block-boundary bugs show up. */
#include <stdlib.h>

#include "braid/braid_bytes.h"
#include "braid/braid_keccak.h"
#include "test_util.h"

typedef struct vector {
    const char *name;
    const char *msg_hex; /* message bytes */
    const char *md_hex;  /* expected digest */
} vector;

static const vector kat[] = {
    {"KAT Len=0", "", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
    {"KAT Len=8", "cc", "eead6dbfc7340a56caedc044696a168870549a6a7f6f56961e84a54bd9970b8a"},
    {"KAT Len=16", "41fb", "a8eaceda4d47b3281a795ad9e1ea2122b407baf9aabcb9e18b5717b7873537d2"},
    {"KAT Len=24", "1f877c", "627d7bc1491b2ab127282827b8de2d276b13d7d70fb4c5957fdf20655bc7ac30"},
    {"KAT Len=1072 (134 bytes)",
     "77ee804b9f3295ab2362798b72b0a1b2d3291dceb8139896355830f34b3b328561531f8079b79a6e9980705150866402fdc176c0589"
     "7e359a6cb1a7ab067383eb497182a7e5aef7038e4c96d133b2782917417e391535b5e1b51f47d8ed7e4d4025fe98dc87b9c1622614b"
     "ff3d1029e68e372de719803857ca52067cddaad958951cb2068cc6",
     "fe71d01c2ee50e054d6b07147ef62954fde7e6959d6eeba68e3c94107eb0084d"},
    {"KAT Len=1080 (135 bytes: padding 0x01 and 0x80 share the last byte)",
     "b771d5cef5d1a41a93d15643d7181d2a2ef0a8e84d91812f20ed21f147bef732bf3a60ef4067c3734b85bc8cd471780f10dc9e829"
     "1b58339a677b960218f71e793f2797aea349406512829065d37bb55ea796fa4f56fd8896b49b2cd19b43215ad967c712b24e5032d06"
     "5232e02c127409d2ed4146b9d75d763d52db98d949d3b0fed6a8052fbb",
     "bd6f5492582a7c1b116304de28314df9fffe95b0da11af52fe9440a717a34859"},
    {"KAT Len=1088 (136 bytes: exactly one block, padding in a second)",
     "b32d95b0b9aad2a8816de6d06d1f86008505bd8c14124f6e9a163b5a2ade55f835d0ec3880ef50700d3b25e42cc0af050ccd1be5e5"
     "55b23087e04d7bf9813622780c7313a1954f8740b6ee2d3f71f768dd417f520482bd3a08d4f222b4ee9dbd015447b33507dd50f3ab"
     "4247c5de9a8abd62a8decea01e3b87c8b927f5b08beb37674c6f8e380c04",
     "e717a7769448abbe5fef8187954a88ac56ded1d22e63940ab80d029585a21921"},
    {"KAT Len=1096 (137 bytes)",
     "04410e31082a47584b406f051398a6abe74e4da59bb6f85e6b49e8a1f7f2ca00dfba5462c2cd2bfde8b64fb21d70c083f11318b56a"
     "52d03b81cac5eec29eb31bd0078b6156786da3d6d8c33098c5c47bb67ac64db14165af65b44544d806dde5f487d5373c7f9792c299"
     "e9686b7e5821e7c8e2458315b996b5677d926dac57b3f22da873c601016a0d",
     "a95d50b50b4545f0947441df74a1e9d74622eb3baa49c1bbfc3a0cce6619c1aa"},
    {"KAT Len=1104 (138 bytes)",
     "8b81e9badde026f14d95c019977024c9e13db7a5cd21f9e9fc491d716164bbacdc7060d882615d411438aea056c340cdf977788f6e"
     "17d118de55026855f93270472d1fd18b9e7e812bae107e0dfde7063301b71f6cfe4e225cab3b232905a56e994f08ee2891ba922d49"
     "c3dafeb75f7c69750cb67d822c96176c46bd8a29f1701373fb09a1a6e3c7158f",
     "ed53d72595ace3a6d5166a4ede41cce362d644bded772be616b87bcf678a6364"},
    {"KAT Len=1600 (200 bytes)",
     "8c3798e51bc68482d7337d3abb75dc9ffe860714a9ad73551e120059860dde24ab87327222b64cf774415a70f724cdf270de3fe47d"
     "da07b61c9ef2a3551f45a5584860248fabde676e1cd75f6355aa3eaeabe3b51dc813d9fb2eaa4f0f1d9f834d7cad9c7c695ae84b32"
     "9385bc0bef895b9f1edf44a03d4b410cc23a79a6b62e4f346a5e8dd851c2857995ddbf5b2d717aeb847310e1f6a46ac3d26a7f9b44"
     "985af656d2b7c9406e8a9e8f47dcb4ef6b83caacf9aefb6118bfcff7e44bef6937ebddc89186839b77",
     "e83ea21f5bc0976953af86069a10eb6024a1ac59d609688e4a9759bb8b6c9441"},
    {"KAT Len=2040 (255 bytes)",
     "3a3a819c48efde2ad914fbf00e18ab6bc4f14513ab27d0c178a188b61431e7f5623cb66b23346775d386b50e982c493adbbfc54b9a"
     "3cd383382336a1a0b2150a15358f336d03ae18f666c7573d55c4fd181c29e6ccfde63ea35f0adf5885cfc0a3d84a2b2e4dd24496db"
     "789e663170cef74798aa1bbcd4574ea0bba40489d764b2f83aadc66b148b4a0cd95246c127d5871c4f11418690a5ddf01246a0c80a"
     "43c70088b6183639dcfda4125bd113a8f49ee23ed306faac576c3fb0c1e256671d817fc2534a52f5b439f72e424de376f4c565cca8"
     "2307dd9ef76da5b7c4eb7e085172e328807c02d011ffbf33785378d79dc266f6a5be6bb0e4a92eceebaeb1",
     "348fb774adc970a16b1105669442625e6adaa8257a89effdb5a802f161b862ea"},
    {"LongMsgKAT Len=2048 (256 bytes)",
     "724627916c50338643e6996f07877eafd96bdf01da7e991d4155b9be1295ea7d21c9391f4c4a41c75f77e5d27389253393725f1427"
     "f57914b273ab862b9e31dabce506e558720520d33352d119f699e784f9e548ff91bc35ca147042128709820d69a8287ea325785761"
     "5eb0321270e94b84f446942765ce882b191faee7e1c87e0f0bd4e0cd8a927703524b559b769ca4ece1f6dbf313fdcf67c572ec4185"
     "c1a88e86ec11b6454b371980020f19633b6b95bd280e4fbcb0161e1a82470320cec6ecfa25ac73d09f1536f286d3f9dacafb2cd1d0"
     "ce72d64d197f5c7520b3ccb2fd74eb72664ba93853ef41eabf52f015dd591500d018dd162815cc993595b195",
     "ea0e416c0f7b4f11e3f00479fddf954f2539e5e557753bd546f69ee375a5de29"},
};

/* ASCII messages whose Keccak-256 is quoted throughout the Ethereum ecosystem. */
typedef struct text_vector {
    const char *msg;
    const char *md_hex;
} text_vector;

static const text_vector texts[] = {
    {"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
    {"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"},
    {"The quick brown fox jumps over the lazy dog",
     "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"},
    {"The quick brown fox jumps over the lazy dog.",
     "578951e24efd62a3d63a86f7cd19aaa53c898fe287d2552133220370240b572d"},
    /* The ERC-20 transfer selector a9059cbb is the first four bytes of this hash. */
    {"transfer(address,uint256)", "a9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b"},
};

static void hex_to_buf(const char *hex, braid_buf *out) {
    if (braid_hex_decode(hex, out) != 0) {
        fprintf(stderr, "bad hex in test vector: %s\n", hex);
        abort();
    }
}

static void check_digest(const char *name, const uint8_t got[32], const uint8_t want[32], const char *how) {
    char g[67], w[67];
    braid_hex_encode(got, 32, g);
    braid_hex_encode(want, 32, w);
    CHECKF(memcmp(got, want, 32) == 0, "%s (%s): got %s want %s", name, how, g, w);
}

/* Runs one message through every entry point. */
static void check_message(const char *name, const uint8_t *msg, size_t len, const uint8_t want[32]) {
    uint8_t got[32];

    braid_keccak256(msg, len, got);
    check_digest(name, got, want, "one-shot");

    braid_hash h = braid_keccak256_hash(msg, len);
    check_digest(name, h.b, want, "braid_keccak256_hash");

    /* A misaligned copy: lanes are loaded with memcpy, so alignment must not matter. */
    uint8_t *shifted = braid_xmalloc(len + 3);
    if (len) memcpy(shifted + 3, msg, len);
    braid_keccak256(shifted + 3, len, got);
    check_digest(name, got, want, "unaligned");
    free(shifted);

    braid_keccak_ctx ctx;
    braid_keccak_init(&ctx);
    braid_keccak_update(&ctx, msg, len);
    braid_keccak_final(&ctx, got);
    check_digest(name, got, want, "incremental, one piece");

    /* The context must be reusable after final. */
    braid_keccak_update(&ctx, msg, len);
    braid_keccak_final(&ctx, got);
    check_digest(name, got, want, "incremental, reused context");

    static const size_t pieces[] = {1, 3, 7, 13, 64, 135, 136, 137, 0, 5};
    for (size_t start = 0; start < sizeof pieces / sizeof pieces[0]; start++) {
        braid_keccak_init(&ctx);
        size_t off = 0;
        for (size_t k = start; off < len; k++) {
            size_t n = pieces[k % (sizeof pieces / sizeof pieces[0])];
            if (n > len - off) n = len - off;
            braid_keccak_update(&ctx, msg + off, n);
            off += n;
        }
        braid_keccak_final(&ctx, got);
        char how[64];
        snprintf(how, sizeof how, "incremental, pieces from index %zu", start);
        check_digest(name, got, want, how);
    }
}

/* braid_keccak256_many against the one-message function (checked above against published values), on
 * messages of every block count and odd lengths, in counts that leave remainders for every width. */
static void test_many(void) {
    uint64_t seed = 88172645463325252ull;
    size_t counts[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 17, 100, 256, 257, 1000};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        size_t n = counts[c];
        const uint8_t **msgs = malloc((n + 1) * sizeof *msgs);
        size_t *lens = malloc((n + 1) * sizeof *lens);
        uint8_t **outs = malloc((n + 1) * sizeof *outs), *data = malloc(n * 2000 + 1), *hashes = malloc(n * 32 + 1);
        for (size_t i = 0; i < n; i++) {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            lens[i] = i % 5 == 0 ? (size_t)(seed % 1300) : (size_t)(seed % 300);
            if (i % 11 == 0) lens[i] = 135 + (i % 3);  /* the padding edge */
            for (size_t k = 0; k < lens[i]; k++) data[i * 2000 + k] = (uint8_t)(seed >> (k % 56)) ^ (uint8_t)k;
            msgs[i] = data + i * 2000;
            outs[i] = hashes + 32 * i;
        }
        braid_keccak256_many(msgs, lens, n, outs);
        int same = 1;
        for (size_t i = 0; i < n; i++) {
            uint8_t want[32];
            braid_keccak256(msgs[i], lens[i], want);
            same &= memcmp(want, outs[i], 32) == 0;
        }
        CHECKF(same, "keccak256_many on %zu messages", n);
        free(msgs), free(lens), free(outs), free(data), free(hashes);
    }
}

int main(void) {
    test_many();
    braid_buf msg = {0}, md = {0};

    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        hex_to_buf(kat[i].msg_hex, &msg);
        hex_to_buf(kat[i].md_hex, &md);
        CHECK(md.len == 32);
        check_message(kat[i].name, msg.data, msg.len, md.data);
    }
    /* The boundary vectors really have the lengths their names claim. */
    hex_to_buf(kat[5].msg_hex, &msg);
    CHECK(msg.len == 135);
    hex_to_buf(kat[6].msg_hex, &msg);
    CHECK(msg.len == 136);
    hex_to_buf(kat[7].msg_hex, &msg);
    CHECK(msg.len == 137);
    hex_to_buf(kat[11].msg_hex, &msg);
    CHECK(msg.len == 256);

    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        hex_to_buf(texts[i].md_hex, &md);
        check_message(texts[i].msg, (const uint8_t *)texts[i].msg, strlen(texts[i].msg), md.data);
    }

    /* Protocol constants: the empty trie root is keccak(rlp("")) = keccak(0x80), and the empty
     * ommers hash is keccak(rlp([])) = keccak(0xc0). */
    const uint8_t empty_string_rlp = 0x80, empty_list_rlp = 0xc0;
    hex_to_buf("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421", &md);
    check_message("keccak(0x80)", &empty_string_rlp, 1, md.data);
    hex_to_buf("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347", &md);
    check_message("keccak(0xc0)", &empty_list_rlp, 1, md.data);

    braid_buf_free(&msg);
    braid_buf_free(&md);
    return test_summary("keccak");
}
