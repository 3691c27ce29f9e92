-- wrk script: every request POSTs a new, unique comment, spread over 50 threads.
local counter = 0
local thread_id = 0

function setup(thread)
    thread_id = thread_id + 1
    thread:set("tid", thread_id)
end

function init(args)
    math.randomseed(os.time() + (tid or 0))
    prefix = string.format("w%d-%d", tid or 0, math.random(1, 1000000000))
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local words = "A reader writes about the article: the argument holds, but the numbers in "
    .. "the third paragraph deserve a source. See *the report* and `the appendix`; "
    .. "I would add that the same happened in [2019](https://example.org/2019)."

function request()
    counter = counter + 1
    local body = string.format(
        '{"site":"default","uri":"/bench/posts/%d","author":"Reader %d","text":"%s (%s-%d)"}',
        counter % 50, counter % 1000, words, prefix, counter)
    return wrk.format(nil, "/api/comments", nil, body)
end
