"""English prose written for the tests of the meaning layer's Latin-script side: a
source paragraph, a heavy rewrite of it (same facts, other words, other order) and an
independent answer to the same question (same topic, own content)."""

from __future__ import annotations

HASH_SOURCE = (
    "A hash table is a data structure that implements an associative array, mapping "
    "keys to values. It uses a hash function to compute from each key an index into an "
    "array of buckets or slots, from which the desired value can be found. Ideally the "
    "hash function assigns each key to a unique bucket, but most designs employ an "
    "imperfect function, which may cause hash collisions where the function generates "
    "the same index for more than one key. Such collisions are resolved in one of two "
    "main ways. In separate chaining each bucket holds a linked list of the entries "
    "that hash to it, while in open addressing all entries are stored in the bucket "
    "array itself and a probe sequence, such as linear probing, is followed until a "
    "free slot is found. The load factor, the number of stored entries divided by the "
    "number of buckets, governs performance: when it exceeds a threshold, commonly "
    "0.75, the table is resized and every entry is rehashed into a larger array. With "
    "a good hash function and a bounded load factor, lookup, insertion and deletion "
    "take constant time on average, although a poor function or an adversary choosing "
    "keys can degrade them to linear time. Hash tables are widely used for database "
    "indexing, caches, symbol tables in compilers and sets, and the idea goes back to "
    "an internal IBM memorandum written by Hans Peter Luhn in 1953."
)

HASH_HEAVY = (
    "Hans Peter Luhn of IBM described the idea in a memo in 1953, and today it sits "
    "behind compiler symbol tables, caches, sets and database indexes. The structure "
    "stores pairs of keys and values in an array of buckets, and to decide which "
    "bucket a key belongs in, a hash function turns the key into a position in that "
    "array. Because real functions are not perfect, two different keys sometimes land "
    "on the same position, which is called a collision. One remedy keeps a linked list "
    "in every bucket and appends the colliding entries to it, a method known as "
    "separate chaining. The other, open addressing, keeps everything inside the array "
    "and probes further slots, for example with linear probing, until it meets an "
    "empty one. How full the table is matters a great deal: the load factor, entries "
    "divided by buckets, is watched, and once it passes a limit such as 0.75 the "
    "array is enlarged and all entries are rehashed. Under these conditions finding, "
    "adding and removing a key cost constant time on average, but a weak hash "
    "function or keys picked by an attacker can push the cost up to linear time."
)

HASH_INDEPENDENT = (
    "When I had to count how often each word occurs in a long novel, a hash table was "
    "the obvious choice. In Python this is just a dictionary: the word is the key and "
    "the count is the value, and each new word either creates an entry or increases "
    "the existing one. The program finished in under a second even for a book of two "
    "hundred thousand words, which surprised me, because my earlier version kept the "
    "words in a sorted list and had to search it every time. What makes the dictionary "
    "fast is that it does not search at all: it computes where the word should be "
    "stored and goes straight there. I later read that this only works well when the "
    "keys are spread evenly, and that attackers once slowed down web servers by "
    "sending many form fields whose names were chosen to collide, which is why modern "
    "languages add a random seed to their string hashing. Dictionaries also use more "
    "memory than a list, and they do not keep the words in alphabetical order, so to "
    "print the results sorted I still had to sort the keys at the end."
)
